from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    threshold_usage_days = fields.Integer(
        string="Usage Window (days)",
        default=30,
        help="Average daily usage is measured over this many past days.",
    )
    threshold_lead_days = fields.Integer(
        string="Default Lead Time (days)",
        default=7,
        help="Incoming quantities expected within this many days count in the "
        "days of cover, unless the governing threshold rule sets its own.",
    )

    _sql_constraints = [
        (
            "threshold_usage_days_positive",
            "CHECK(threshold_usage_days > 0)",
            "The usage window must be at least one day.",
        ),
        (
            "threshold_lead_days_positive",
            "CHECK(threshold_lead_days >= 0)",
            "The default lead time cannot be negative.",
        ),
    ]
