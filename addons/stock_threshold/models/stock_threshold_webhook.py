from collections import defaultdict
from urllib.parse import urlsplit

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class StockThresholdWebhook(models.Model):
    """An endpoint that receives stock alert events as signed JSON POSTs.

    Events are queued as deliveries in the transaction that changes the
    alert and posted after commit by a scheduled action, so that a slow or
    failing endpoint never slows down or breaks a stock operation."""

    _name = "stock.threshold.webhook"
    _description = "Stock Alert Webhook"
    _check_company_auto = True
    _order = "company_id, name, id"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    url = fields.Char(string="URL", required=True, help="HTTPS endpoint to POST to.")
    # The secret signs every delivery (HMAC-SHA256), so it must be stored as
    # is: a hash could not sign. Only Thresholds managers may read it, and
    # no view shows it: it is typed in ``secret_input``, a write-only field
    # that always reads empty, so it is never shown back after it was set.
    secret = fields.Char(
        string="Signing Secret",
        groups="stock_threshold.group_threshold_manager",
        copy=False,
        readonly=True,
    )
    secret_input = fields.Char(
        string="Secret",
        compute="_compute_secret_input",
        inverse="_inverse_secret_input",
        help="Shared with the receiver, which checks the signature with it. "
        "Write-only: it is never shown back; type a new one to replace it.",
    )
    has_secret = fields.Boolean(compute="_compute_secret_input")
    event_opened = fields.Boolean(string="Opened", default=True)
    event_escalated = fields.Boolean(string="Escalated", default=True)
    event_resolved = fields.Boolean(string="Resolved", default=True)
    timeout = fields.Float(
        string="Timeout (s)",
        default=5.0,
        help="Seconds to wait for the endpoint's answer before trying later.",
    )
    max_attempts = fields.Integer(
        default=8,
        help="Tries before a delivery is given up; the waits between them "
        "double from one minute.",
    )
    delivery_ids = fields.One2many(
        "stock.threshold.webhook.delivery", "webhook_id", string="Deliveries"
    )
    delivery_count = fields.Integer(compute="_compute_delivery_count")

    _sql_constraints = [
        (
            "timeout_range",
            "CHECK(timeout > 0 AND timeout <= 30)",
            "The timeout must be between 0 and 30 seconds.",
        ),
        (
            "max_attempts_positive",
            "CHECK(max_attempts > 0)",
            "A delivery needs at least one attempt.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    def _compute_secret_input(self):
        for webhook in self:
            webhook.secret_input = False
            webhook.has_secret = bool(webhook.sudo().secret)

    def _inverse_secret_input(self):
        for webhook in self.filtered("secret_input"):
            webhook.secret = webhook.secret_input.strip()
        # Drop the typed value from the cache: reads return nothing.
        self.invalidate_recordset(["secret_input", "has_secret"])

    def _compute_delivery_count(self):
        groups = self.env["stock.threshold.webhook.delivery"]._read_group(
            [("webhook_id", "in", self.ids)], ["webhook_id"], ["__count"]
        )
        counts = {webhook.id: count for webhook, count in groups}
        for webhook in self:
            webhook.delivery_count = counts.get(webhook.id, 0)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("url")
    def _check_url(self):
        for webhook in self:
            parts = urlsplit(webhook.url or "")
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValidationError(
                    self.env._(
                        "%(url)s is not an HTTP(S) URL.", url=webhook.url or "''"
                    )
                )

    @api.constrains("secret")
    def _check_secret(self):
        """Every webhook signs its deliveries (also checked at creation,
        where a secret that was not given triggers no constraint)."""
        for webhook in self.sudo():
            if len(webhook.secret or "") < 16:
                raise ValidationError(
                    self.env._(
                        "Webhook %(name)s needs a secret of at least 16 characters.",
                        name=webhook.name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        webhooks = super().create(vals_list)
        webhooks._check_secret()
        return webhooks

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_view_deliveries(self):
        """Open the delivery log of the webhook."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stock_threshold.stock_threshold_webhook_delivery_action"
        )
        action["domain"] = [("webhook_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------
    # Queueing
    # ------------------------------------------------------------------
    @api.model
    def _queue_events(self, events):
        """Queue the deliveries of alert events, ``{event: alerts}``, to the
        active webhooks of the alerts' companies that subscribe to them: one
        search, one batched insert, then the delivery job is triggered to
        run right after commit. No HTTP here."""
        alerts = self.env["stock.threshold.alert"].union(*events.values())
        if not alerts:
            return self.env["stock.threshold.webhook.delivery"]
        webhooks = self.sudo().search([("company_id", "in", alerts.company_id.ids)])
        vals_list = []
        for event, event_alerts in events.items():
            by_company = defaultdict(list)
            for webhook in webhooks.filtered(f"event_{event}"):
                by_company[webhook.company_id.id].append(webhook.id)
            for alert in event_alerts:
                if by_company.get(alert.company_id.id):
                    vals_list += alert._prepare_webhook_deliveries(
                        event, by_company[alert.company_id.id]
                    )
        Delivery = self.env["stock.threshold.webhook.delivery"].sudo()
        deliveries = Delivery.create(vals_list)
        if deliveries:
            Delivery._trigger_delivery()
        return deliveries
