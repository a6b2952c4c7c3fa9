import logging
import threading
import time
from datetime import timedelta

import psycopg2.errors

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import webhook as webhook_tools

_logger = logging.getLogger(__name__)

EVENT_SELECTION = [
    ("opened", "Opened"),
    ("escalated", "Escalated"),
    ("resolved", "Resolved"),
]
# Sent and given-up deliveries are kept this long in the log.
LOG_RETENTION_DAYS = 90


class StockThresholdWebhookDelivery(models.Model):
    """One event for one webhook: the queue entry and its delivery log.

    The JSON body is frozen when the event happens; each attempt signs it
    with a fresh timestamp. ``uuid`` is the event's idempotency key: the
    same for every attempt and every webhook of the event."""

    _name = "stock.threshold.webhook.delivery"
    _description = "Stock Alert Webhook Delivery"
    _order = "id desc"
    _rec_name = "uuid"

    webhook_id = fields.Many2one(
        "stock.threshold.webhook",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="webhook_id.company_id", store=True, index=True
    )
    alert_id = fields.Many2one(
        "stock.threshold.alert",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    event = fields.Selection(EVENT_SELECTION, required=True, readonly=True)
    uuid = fields.Char(
        string="Idempotency Key", required=True, readonly=True, index=True
    )
    payload = fields.Text(required=True, readonly=True)
    state = fields.Selection(
        [("pending", "Pending"), ("sent", "Sent"), ("failed", "Failed")],
        required=True,
        default="pending",
        readonly=True,
        index=True,
    )
    attempt_count = fields.Integer(string="Attempts", readonly=True)
    next_try_at = fields.Datetime(
        string="Next Try", readonly=True, default=fields.Datetime.now, index=True
    )
    last_try_at = fields.Datetime(string="Last Try", readonly=True)
    sent_at = fields.Datetime(readonly=True)
    response_code = fields.Integer(
        readonly=True, help="HTTP status of the last attempt; 0: no answer."
    )
    last_error = fields.Text(readonly=True)

    _sql_constraints = [
        (
            "webhook_uuid_uniq",
            "UNIQUE(webhook_id, uuid)",
            "An event is delivered once per webhook.",
        ),
    ]

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_retry(self):
        """Queue failed or pending deliveries for a new round of attempts
        now (the attempt counter restarts)."""
        self.filtered(lambda d: d.state != "sent").write(
            {
                "state": "pending",
                "attempt_count": 0,
                "next_try_at": fields.Datetime.now(),
            }
        )
        self._trigger_delivery()
        return True

    # ------------------------------------------------------------------
    # Delivery
    # ------------------------------------------------------------------
    @api.model
    def _trigger_delivery(self, at=None):
        """Wake the delivery job up (after commit) or at a given time."""
        cron = self.env.ref("stock_threshold.ir_cron_stock_threshold_webhook_deliver")
        cron.sudo()._trigger(at)

    @api.model
    def _get_due_domain(self):
        return [
            ("state", "=", "pending"),
            ("next_try_at", "<=", fields.Datetime.now()),
            ("webhook_id.active", "=", True),
        ]

    @api.model
    def _cron_deliver(self, limit=100):
        """Post the due deliveries, oldest first, and schedule the job for
        the next retry. Outside tests each attempt is committed as soon as
        it is made: an event delivered must not be posted again because a
        later attempt of the same run crashed."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        done = self.browse()
        while len(done) < limit:
            delivery = self._lock_next_due(done)
            if not delivery:
                break
            delivery._send()
            done |= delivery
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        remaining = self.search_count(self._get_due_domain())
        self.env["ir.cron"]._notify_progress(done=len(done), remaining=remaining)
        self._schedule_next_try()
        return done

    @api.model
    def _lock_next_due(self, skip):
        """The oldest due delivery but ``skip``, row-locked until the
        transaction that posts it commits its outcome: another worker of
        the job skips it (``SKIP LOCKED``) instead of posting it twice.
        After that commit it is no longer due. Locked one at a time, as
        each attempt is committed (which releases the lock) on its own."""
        query = self._search(
            [*self._get_due_domain(), ("id", "not in", skip.ids)],
            order="next_try_at, id",
            limit=1,
        )
        sql = SQL("%s FOR NO KEY UPDATE SKIP LOCKED", query.select())
        self.env.flush_query(sql)
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(sql, log_exceptions=False)
                rows = self.env.cr.fetchall()
        except psycopg2.errors.SerializationFailure:
            # another worker committed this delivery since our snapshot:
            # leave what remains to the next run
            _logger.info("Webhook delivery taken by another worker meanwhile")
            return self.browse()
        return self.browse(row[0] for row in rows)

    @api.model
    def _schedule_next_try(self):
        """Trigger the job when the earliest pending retry is due."""
        first = self.search(
            [("state", "=", "pending"), ("webhook_id.active", "=", True)],
            order="next_try_at",
            limit=1,
        )
        if first and first.next_try_at > fields.Datetime.now():
            self._trigger_delivery(first.next_try_at)

    def _send(self):
        """One attempt: sign the frozen body with a fresh timestamp, POST
        it, log the outcome."""
        self.ensure_one()
        webhook = self.webhook_id.sudo()
        body = self.payload.encode()
        headers = webhook_tools.get_headers(
            webhook.secret, int(time.time()), body, self.event, self.uuid
        )
        code, error = webhook_tools.post(webhook.url, body, headers, webhook.timeout)
        if error:
            _logger.info(
                "Webhook delivery %s to %s failed: %s", self.id, webhook.url, error
            )
        self.write(self._prepare_attempt_values(code, error))

    def _prepare_attempt_values(self, code, error):
        """Sent; or retried later with exponential backoff when the failure
        may pass; or given up."""
        self.ensure_one()
        now = fields.Datetime.now()
        attempts = self.attempt_count + 1
        values = {
            "attempt_count": attempts,
            "last_try_at": now,
            "response_code": code,
            "last_error": error or False,
        }
        if not error:
            values.update(state="sent", sent_at=now)
        elif (
            webhook_tools.is_retryable(code) and attempts < self.webhook_id.max_attempts
        ):
            delay = webhook_tools.get_backoff(attempts)
            values["next_try_at"] = now + timedelta(seconds=delay)
        else:
            values["state"] = "failed"
        return values

    @api.autovacuum
    def _gc_delivery_log(self):
        """Drop the log of finished deliveries after the retention time, and
        the pending ones of archived webhooks, which are never sent."""
        limit = fields.Datetime.now() - timedelta(days=LOG_RETENTION_DAYS)
        self.search(
            [
                "|",
                ("state", "!=", "pending"),
                ("webhook_id.active", "=", False),
                ("write_date", "<", limit),
            ]
        ).unlink()
