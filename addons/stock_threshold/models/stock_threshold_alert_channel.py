import json
import uuid
from datetime import timedelta

from odoo import api, fields, models

from .stock_threshold_alert import STATUS_FIGURES

# Channels of an alert: fields alert_<channel> of the rule, or
# threshold_alert_<channel> of the company.
CHANNELS = ("activity", "email", "bus", "webhook")
# Last end of the digest window, so that no event is missed or sent twice.
DIGEST_PARAM = "stock_threshold.alert_digest_last_run"


class StockThresholdAlert(models.Model):
    """How alerts reach people and systems: activities, live notices,
    e-mails one by one or in a daily digest, and the events queued for the
    webhooks. Nothing here waits on the network."""

    _inherit = "stock.threshold.alert"

    # ------------------------------------------------------------------
    # Channels
    # ------------------------------------------------------------------
    @api.model
    def _dispatch_events(self, events):
        """Send alert events, ``{event: alerts}`` (opened, escalated,
        resolved), through the channels enabled by each alert's rule or
        company: people hear of what opened or escalated, webhooks of all
        three. Nothing here waits on the network."""
        for event in ("opened", "escalated"):
            if events.get(event):
                events[event]._notify_people(event)
        self.env["stock.threshold.webhook"]._queue_events(
            {
                event: alerts._filter_channel("webhook")
                for event, alerts in events.items()
                if alerts
            }
        )

    def _get_channels(self):
        """``{channel: setting}`` of the alert: its rule's own channels when
        the rule customises them, else its company's defaults."""
        self.ensure_one()
        if self.rule_id.alert_channels == "custom":
            source, prefix = self.rule_id, "alert_"
        else:
            source, prefix = self.company_id, "threshold_alert_"
        return {channel: source[prefix + channel] for channel in CHANNELS}

    def _filter_channel(self, channel, value=True):
        """The alerts whose ``channel`` setting is ``value``."""
        return self.filtered(lambda alert: alert._get_channels()[channel] == value)

    def _notify_people(self, event):
        """Tell the responsible people of opened, escalated or woken alerts:
        activity, live notice and e-mail, as the channels say; only those
        who may read the alert."""
        alerts = self._filtered_readers()
        alerts._filter_channel("activity")._schedule_responsible_activities()
        alerts._filter_channel("bus")._send_notices(event)
        alerts._filter_channel("email", "each")._send_alert_emails(event)

    def _schedule_responsible_activities(self):
        """One open *Stock Alert* activity per alert for its responsible,
        created in one batch. Without the assignment e-mail that Odoo sends
        activity by activity: the alert e-mail channel tells people."""
        activity_type = self.env.ref(
            "stock_threshold.mail_activity_type_stock_alert", raise_if_not_found=False
        )
        if not activity_type:
            return
        model_id = self.env["ir.model"]._get_id(self._name)
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": alert.id,
                    "activity_type_id": activity_type.id,
                    "user_id": alert.user_id.id,
                    "summary": alert.display_name,
                    "date_deadline": fields.Date.context_today(self),
                }
                for alert in self
                if not alert.activity_ids
            ]
        )

    def _send_notices(self, event):
        """One bus message per responsible with the notices of their alerts
        (see static/src/js)."""
        for user, alerts in self.grouped("user_id").items():
            user._bus_send(
                "stock_threshold_alert",
                [alert._get_notice(event) for alert in alerts],
            )

    def _get_notice(self, event):
        """The payload of the live notice of an opened, escalated or woken
        alert (see static/src/js)."""
        self.ensure_one()
        titles = {
            "opened": self.env._("Stock alert"),
            "escalated": self.env._("Stock alert escalated"),
            "woken": self.env._("Stock alert back from snooze"),
        }
        return {
            "id": self.id,
            "title": titles[event],
            "message": self.display_name,
            "severity": self.severity,
        }

    def _send_alert_emails(self, event):
        """Queue one e-mail per alert to its responsible from the alert
        template, rendered in one batch; the mail queue sends them after
        commit."""
        template = self.env.ref(
            "stock_threshold.mail_template_stock_alert", raise_if_not_found=False
        )
        alerts = self.filtered("user_id.email")
        if template and alerts:
            template.sudo().with_context(stock_alert_event=event).send_mail_batch(
                alerts.ids
            )

    # ------------------------------------------------------------------
    # Webhook events
    # ------------------------------------------------------------------
    def _get_webhook_payload(self, event, key):
        """The JSON body of a webhook event (documented in readme/USAGE.md)."""
        self.ensure_one()

        def when(value):
            return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None

        warehouse = self.warehouse_id
        alert = {
            "id": self.id,
            "kind": self.kind,
            "severity": self.severity,
            "state": self.state,
            "product": {
                "id": self.product_id.id,
                "default_code": self.product_id.default_code or None,
                "name": self.product_id.display_name,
            },
            "warehouse": (
                {"id": warehouse.id, "code": warehouse.code, "name": warehouse.name}
                if warehouse
                else None
            ),
            "location": {
                "id": self.location_id.id,
                "name": self.location_id.complete_name,
            },
            "company": {"id": self.company_id.id, "name": self.company_id.name},
            "rule_id": self.rule_id.id or None,
            "detected_at": when(self.detected_at),
            "resolved_at": when(self.resolved_at),
            "detected": {
                "on_hand": self.detected_on_hand,
                "free": self.detected_free,
                "forecast": self.detected_forecast,
            },
            "current": {name: self[name] for name in STATUS_FIGURES},
        }
        return json.dumps(
            {
                "id": key,
                "event": event,
                "occurred_at": when(fields.Datetime.now()),
                "alert": alert,
            },
            sort_keys=True,
        )

    def _prepare_webhook_deliveries(self, event, webhook_ids):
        """Delivery values of one event of the alert for webhooks: one
        event id (the idempotency key) and one frozen body for all."""
        self.ensure_one()
        key = str(uuid.uuid4())
        payload = self._get_webhook_payload(event, key)
        return [
            {
                "webhook_id": webhook_id,
                "alert_id": self.id,
                "event": event,
                "uuid": key,
                "payload": payload,
            }
            for webhook_id in webhook_ids
        ]

    # ------------------------------------------------------------------
    # Digest
    # ------------------------------------------------------------------
    @api.model
    def _cron_send_digest(self):
        """Daily e-mail per responsible of what opened, escalated and
        resolved since the last run, for the alerts whose channels ask for
        a digest."""
        params = self.env["ir.config_parameter"].sudo()
        now = fields.Datetime.now()
        last_run = params.get_param(DIGEST_PARAM)
        since = fields.Datetime.to_datetime(last_run) or now - timedelta(days=1)
        alerts = self.search(
            [
                ("user_id", "!=", False),
                "|",
                "|",
                ("detected_at", ">=", since),
                ("escalated_at", ">=", since),
                ("resolved_at", ">=", since),
            ]
        )
        alerts = alerts._filter_channel("email", "digest")._filtered_readers()
        for user, user_alerts in alerts.grouped("user_id").items():
            user_alerts._send_digest(user, since, now)
        params.set_param(DIGEST_PARAM, fields.Datetime.to_string(now))

    def _send_digest(self, user, since, until):
        """Queue the digest of these alerts to one user."""
        template = self.env.ref(
            "stock_threshold.mail_template_stock_alert_digest", raise_if_not_found=False
        )
        if not template or not user.email:
            return

        def between(name):
            return self.filtered(lambda a: a[name] and since <= a[name] < until)

        template.sudo().with_context(
            digest_opened=between("detected_at"),
            digest_escalated=between("escalated_at"),
            digest_resolved=between("resolved_at"),
        ).send_mail(user.id)
