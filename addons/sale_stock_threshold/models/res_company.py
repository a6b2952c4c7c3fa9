from odoo import fields, models

CONFIRM_CHECK_SELECTION = [
    ("off", "No check"),
    ("warn", "Warn"),
    ("block", "Block (managers may confirm)"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    sale_threshold_confirm_check = fields.Selection(
        CONFIRM_CHECK_SELECTION,
        string="Stock Check at Confirmation",
        default="warn",
        required=True,
        help="When confirming a sale order whose lines would push the stock "
        "below its safety stock or minimum, or that is not available by the "
        "commitment date: confirm silently, ask for confirmation, or refuse "
        "it to salespeople (sales managers may confirm anyway).",
    )
