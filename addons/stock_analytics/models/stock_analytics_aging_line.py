from odoo import api, fields, models


class StockAnalyticsAgingLine(models.TransientModel):
    _name = "stock.analytics.aging.line"
    _inherit = "stock.analytics.line.mixin"
    _description = "Stock Aging Line"
    _order = "product_id, warehouse_id, location_id, bucket_sequence"

    location_id = fields.Many2one("stock.location", readonly=True)
    bucket = fields.Char(string="Age (days)", readonly=True)
    bucket_sequence = fields.Integer(readonly=True)
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    value = fields.Float(digits="Product Price", readonly=True)

    @api.model
    def _prepare_line_vals(self, row):
        """One line per non-empty bucket, so that pivots split by age."""
        scope = {key: row[key] for key in ("warehouse_id", "location_id") if key in row}
        return [
            dict(
                scope,
                product_id=row["product_id"],
                bucket=bucket["label"],
                bucket_sequence=sequence,
                quantity=bucket["quantity"],
                value=bucket["value"],
            )
            for sequence, bucket in enumerate(row["buckets"])
            if bucket["quantity"]
        ]
