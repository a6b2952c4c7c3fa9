from odoo import fields, models


class StockAnalyticsDeadStockLine(models.TransientModel):
    _name = "stock.analytics.dead.stock.line"
    _inherit = "stock.analytics.line.mixin"
    _description = "Dead Stock Line"
    _order = "idle_days desc, product_id"

    location_id = fields.Many2one("stock.location", readonly=True)
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    value = fields.Float(digits="Product Price", readonly=True)
    last_outgoing_date = fields.Datetime(readonly=True)
    idle_days = fields.Integer(aggregator="max", readonly=True)
