from odoo import fields, models


class StockAnalyticsTrendLine(models.TransientModel):
    _name = "stock.analytics.trend.line"
    _inherit = "stock.analytics.line.mixin"
    _description = "Sales Trend Line"
    _order = "period_start, product_id, warehouse_id"

    period_start = fields.Date(readonly=True)
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    revenue = fields.Float(readonly=True)
    previous_quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    previous_revenue = fields.Float(readonly=True)
    last_year_quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    last_year_revenue = fields.Float(readonly=True)
    growth_quantity = fields.Float(aggregator="avg", readonly=True)
    growth_revenue = fields.Float(aggregator="avg", readonly=True)
    yoy_growth_quantity = fields.Float(
        "YoY Growth (Qty)", aggregator="avg", readonly=True
    )
    yoy_growth_revenue = fields.Float(
        "YoY Growth (Revenue)", aggregator="avg", readonly=True
    )
