from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    threshold_usage_days = fields.Integer(
        related="company_id.threshold_usage_days", readonly=False
    )
    threshold_lead_days = fields.Integer(
        related="company_id.threshold_lead_days", readonly=False
    )
    threshold_alert_activity = fields.Boolean(
        related="company_id.threshold_alert_activity", readonly=False
    )
    threshold_alert_email = fields.Selection(
        related="company_id.threshold_alert_email", readonly=False
    )
    threshold_alert_bus = fields.Boolean(
        related="company_id.threshold_alert_bus", readonly=False
    )
    threshold_alert_webhook = fields.Boolean(
        related="company_id.threshold_alert_webhook", readonly=False
    )
