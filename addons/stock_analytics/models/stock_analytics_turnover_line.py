from odoo import fields, models


class StockAnalyticsTurnoverLine(models.TransientModel):
    _name = "stock.analytics.turnover.line"
    _inherit = "stock.analytics.line.mixin"
    _description = "Inventory Turnover Line"
    _order = "product_id, warehouse_id"

    opening_qty = fields.Float(digits="Product Unit of Measure", readonly=True)
    closing_qty = fields.Float(digits="Product Unit of Measure", readonly=True)
    qty_in = fields.Float("Received", digits="Product Unit of Measure", readonly=True)
    qty_out = fields.Float("Consumed", digits="Product Unit of Measure", readonly=True)
    cogs = fields.Float("Cost of Goods Out", digits="Product Price", readonly=True)
    average_qty = fields.Float(digits="Product Unit of Measure", readonly=True)
    average_value = fields.Float(digits="Product Price", readonly=True)
    turnover_qty = fields.Float("Turnover (Qty)", aggregator="avg", readonly=True)
    turnover_value = fields.Float("Turnover (Cost)", aggregator="avg", readonly=True)
    days_of_inventory = fields.Float(aggregator="avg", readonly=True)
    sell_through = fields.Float(aggregator="avg", readonly=True)
