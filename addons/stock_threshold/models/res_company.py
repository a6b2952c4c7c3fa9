from odoo import fields, models

EMAIL_MODE_SELECTION = [
    ("none", "No e-mail"),
    ("each", "One e-mail per alert"),
    ("digest", "Daily digest"),
]


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
    threshold_alert_activity = fields.Boolean(
        string="Alert Activities",
        default=True,
        help="Stock alerts schedule an activity for their responsible.",
    )
    threshold_alert_email = fields.Selection(
        EMAIL_MODE_SELECTION,
        string="Alert E-mails",
        default="digest",
        required=True,
        help="E-mail the responsible of each alert opened or escalated, or "
        "once a day what opened, escalated and resolved.",
    )
    threshold_alert_bus = fields.Boolean(
        string="Alert Live Notices",
        default=True,
        help="The responsible sees a notice in the web client at once.",
    )
    threshold_alert_webhook = fields.Boolean(
        string="Alert Webhooks",
        default=True,
        help="Alert events are posted to the company's webhooks.",
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
