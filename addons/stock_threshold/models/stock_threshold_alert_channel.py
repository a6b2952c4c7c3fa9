import json
import logging
import threading
import uuid
from datetime import timedelta

from odoo import api, fields, models

from .stock_threshold_alert import STATUS_FIGURES, SYSTEM_CONTEXT

_logger = logging.getLogger(__name__)

# Channels of an alert: fields alert_<channel> of the rule, or
# threshold_alert_<channel> of the company.
CHANNELS = ("activity", "email", "bus", "webhook")
# Last end of the digest window, so that no event is missed or sent twice.
DIGEST_PARAM = "stock_threshold.alert_digest_last_run"
# Events whose e-mail is sent one per alert.
EMAIL_EVENT_SELECTION = [
    ("opened", "Opened"),
    ("escalated", "Escalated"),
    ("woken", "Back from snooze"),
]


class StockThresholdAlert(models.Model):
    """How alerts reach people and systems: activities, live notices,
    e-mails one by one or in a daily digest, and the events queued for the
    webhooks. Nothing here waits on the network."""

    _inherit = "stock.threshold.alert"

    email_event = fields.Selection(
        EMAIL_EVENT_SELECTION,
        string="E-mail to Send",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The event whose e-mail to the responsible waits for the alert "
        "e-mail job, which sends it right after the stock operation.",
    )

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
        alerts._filter_channel("email", "each")._queue_alert_emails(event)

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

    def _close_activities(self, feedback):
        """Mark the alerts' activities done with ``feedback``, as *Mark as
        done* does, for alerts resolved by the hundred in a stock
        transaction, where Odoo's posting of each *done* message on its own
        costs ~20 ms an activity. The plain ones are closed in one batch:
        their *done* messages, rendered from Odoo's view, logged at once
        with the activity type and subtype Odoo gives them, then one
        deletion. Alerts without activities get ``feedback`` as a note."""
        batch = self._get_batch_closable_activities()
        bodies = {alert.id: feedback for alert in self if not alert.activity_ids}
        for activity in batch:
            bodies[activity.res_id] = self._render_activity_done(activity, feedback)
        messages = self.env["mail.message"]
        if bodies:
            messages = self.browse(bodies)._message_log_batch(bodies=bodies)
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_activities")
        message_ids = {message.res_id: message.id for message in messages}
        for activity_type, done in batch.grouped("activity_type_id").items():
            messages.browse(message_ids[act.res_id] for act in done).write(
                {"subtype_id": subtype_id, "mail_activity_type_id": activity_type.id}
            )
        rest = self.activity_ids - batch
        batch.unlink()
        rest.action_feedback(feedback=feedback)

    def _get_batch_closable_activities(self):
        """The first activity of each alert when marking it done takes no
        more than a message and a deletion: no attached file to move to the
        message, no next activity to trigger, not kept once done."""
        activities = self.activity_ids.filtered(
            lambda act: (
                act.chaining_type != "trigger" and not act.activity_type_id.keep_done
            )
        )
        files = (
            self.env["ir.attachment"]
            .sudo()
            .search_fetch(
                [("res_model", "=", "mail.activity"), ("res_id", "in", activities.ids)],
                ["res_id"],
            )
        )
        with_files = set(files.mapped("res_id"))
        firsts = {}
        for activity in activities:
            if activity.id not in with_files:
                firsts.setdefault(activity.res_id, activity)
        return activities.browse(act.id for act in firsts.values())

    def _render_activity_done(self, activity, feedback):
        """The body of the *done* message of an activity, from Odoo's view."""
        return self.env["mail.render.mixin"]._render_template_qweb_view(
            "mail.message_activity_done",
            self._name,
            [activity.res_id],
            add_context={
                "activity": activity,
                "feedback": feedback,
                "display_assignee": activity.user_id != self.env.user,
            },
        )[activity.res_id]

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

    def _queue_alert_emails(self, event):
        """Leave the e-mail of the event to the alert e-mail job, woken up
        right after commit: rendering mails has no place in a stock
        transaction. An alert whose e-mail still waits keeps its first
        event; the e-mail shows the alert as it is when sent."""
        alerts = self.filtered(lambda alert: alert.user_id.email)
        alerts = alerts.filtered(lambda alert: not alert.email_event)
        if alerts:
            alerts.with_context(**SYSTEM_CONTEXT).write({"email_event": event})
            self.env.ref(
                "stock_threshold.ir_cron_stock_threshold_alert_email"
            ).sudo()._trigger()

    @api.model
    def _cron_send_alert_emails(self, batch_size=50, limit=1000):
        """Queue the waiting alert e-mails in the mail queue, oldest alerts
        first, by batches rendered together. Outside tests each batch is
        committed as soon as its mails are queued, so that a later crash
        does not queue them twice; the progress makes the job runner call
        again while some remain after ``limit``."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        domain = [("email_event", "!=", False)]
        done = 0
        while done < limit:
            alerts = self.search(domain, order="id", limit=batch_size)
            if not alerts:
                break
            alerts._send_alert_emails()
            done += len(alerts)
            remaining = self.search_count(domain)
            self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return done

    def _send_alert_emails(self):
        """Queue the waiting e-mails of the alerts, one batch rendering per
        event, to the responsible who may still read the alert, and clear
        their events."""
        template = self.env.ref(
            "stock_threshold.mail_template_stock_alert", raise_if_not_found=False
        )
        if template:
            alerts = self._filtered_readers().filtered("user_id.email")
            for event, event_alerts in alerts.grouped("email_event").items():
                event_alerts._render_alert_emails(
                    template.sudo().with_context(stock_alert_event=event)
                )
        self.with_context(**SYSTEM_CONTEXT).write({"email_event": False})

    def _render_alert_emails(self, template):
        """Render and queue the alerts' e-mails from the template in one
        batch; if the batch fails, alert by alert, so that an alert whose
        e-mail cannot be rendered holds back no other: its failure is
        logged on it and in the server log."""
        try:
            with self.env.cr.savepoint():
                template.send_mail_batch(self.ids)
        except Exception:  # any rendering error: isolate the alert
            if len(self) > 1:
                for alert in self:
                    alert._render_alert_emails(template)
                return
            _logger.warning(
                "Stock alert %s: e-mail not rendered", self.id, exc_info=True
            )
            self._log_batch(
                lambda alert: self.env._(
                    "The e-mail to %(user)s could not be rendered from the "
                    "template %(template)s; see the server log.",
                    user=alert.user_id.name,
                    template=template.name,
                )
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
