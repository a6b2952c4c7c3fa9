from datetime import timedelta

from odoo import fields, models


class StockThresholdAlertSnooze(models.TransientModel):
    """Snooze one or many alerts until a date."""

    _name = "stock.threshold.alert.snooze"
    _description = "Snooze Stock Alerts"

    alert_ids = fields.Many2many("stock.threshold.alert", string="Alerts")
    snoozed_until = fields.Datetime(
        string="Snooze Until",
        required=True,
        default=lambda self: fields.Datetime.now() + timedelta(days=1),
    )

    def action_snooze(self):
        self.ensure_one()
        self.alert_ids.action_snooze(self.snoozed_until)
        return {"type": "ir.actions.act_window_close"}
