from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    rfid_read_window = fields.Integer(
        string="RFID Read Window (seconds)",
        default=60,
        help="Reads of the same tag by the same reader within this many seconds "
        "are aggregated into one read.",
    )

    rfid_company_prefix_length = fields.Integer(
        string="GS1 Company Prefix Length",
        default=7,
        help="Digits of the company's GS1 company prefix, to split its GTINs "
        "into the company prefix and item reference of the EPCs it encodes.",
    )

    _sql_constraints = [
        (
            "rfid_read_window_positive",
            "CHECK(rfid_read_window >= 0)",
            "The RFID read window cannot be negative.",
        ),
        (
            "rfid_company_prefix_length_range",
            "CHECK(rfid_company_prefix_length BETWEEN 6 AND 12)",
            "A GS1 company prefix has 6 to 12 digits.",
        ),
    ]
