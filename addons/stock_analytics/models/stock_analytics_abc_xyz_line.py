from odoo import fields, models

from .product_product import ABC_CLASSES, XYZ_CLASSES


class StockAnalyticsAbcXyzLine(models.TransientModel):
    _name = "stock.analytics.abc.xyz.line"
    _inherit = "stock.analytics.line.mixin"
    _description = "ABC / XYZ Line"
    _order = "abc_class, consumption_value desc"

    consumption_value = fields.Float(digits="Product Price", readonly=True)
    share = fields.Float(readonly=True)
    cumulative_share = fields.Float(aggregator="max", readonly=True)
    abc_class = fields.Selection(ABC_CLASSES, string="ABC Class", readonly=True)
    demand_mean = fields.Float(readonly=True)
    demand_cv = fields.Float("Demand CV", aggregator="avg", readonly=True)
    xyz_class = fields.Selection(XYZ_CLASSES, string="XYZ Class", readonly=True)
    abc_xyz = fields.Char("ABC / XYZ", readonly=True)
