from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    threshold_rfq_line_limit = fields.Integer(
        related="company_id.threshold_rfq_line_limit", readonly=False
    )
    threshold_rebalance = fields.Selection(
        related="company_id.threshold_rebalance", readonly=False
    )
    threshold_rebalance_margin = fields.Float(
        related="company_id.threshold_rebalance_margin", readonly=False
    )
