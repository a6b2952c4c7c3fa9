from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    rfid_read_window = fields.Integer(
        string="RFID Read Window (seconds)",
        default=60,
        help="Reads of the same tag by the same reader within this many seconds "
        "are aggregated into one read.",
    )

    _sql_constraints = [
        (
            "rfid_read_window_positive",
            "CHECK(rfid_read_window >= 0)",
            "The RFID read window cannot be negative.",
        ),
    ]
