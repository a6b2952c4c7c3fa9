from odoo import api, fields, models


class StockAnalyticsForecastLine(models.TransientModel):
    _name = "stock.analytics.forecast.line"
    _inherit = "stock.analytics.line.mixin"
    _description = "Demand Forecast Line"
    _order = "product_id, warehouse_id, period_start"

    period_start = fields.Date(readonly=True)
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    method = fields.Selection(
        [
            ("ses", "Exponential smoothing"),
            ("croston", "Croston"),
            ("none", "No demand"),
        ],
        readonly=True,
    )
    alpha = fields.Float(aggregator=None, readonly=True)
    mase = fields.Float("MASE", aggregator="avg", readonly=True)
    mape = fields.Float("MAPE", aggregator="avg", readonly=True)

    @api.model
    def _prepare_line_vals(self, row):
        """One line per forecast period."""
        common = {
            key: row[key]
            for key in ("product_id", "warehouse_id", "method", "alpha", "mase", "mape")
        }
        return [
            dict(common, period_start=f["period_start"], quantity=f["quantity"])
            for f in row["forecast"]
        ]
