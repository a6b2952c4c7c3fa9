from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    rfid_read_window = fields.Integer(
        related="company_id.rfid_read_window", readonly=False
    )
    rfid_company_prefix_length = fields.Integer(
        related="company_id.rfid_company_prefix_length", readonly=False
    )
