from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    threshold_usage_days = fields.Integer(
        related="company_id.threshold_usage_days", readonly=False
    )
    threshold_lead_days = fields.Integer(
        related="company_id.threshold_lead_days", readonly=False
    )
