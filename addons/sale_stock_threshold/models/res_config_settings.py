from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sale_threshold_confirm_check = fields.Selection(
        related="company_id.sale_threshold_confirm_check", readonly=False
    )
