from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.status import SEVERITY_SELECTION

SEVERITIES = [code for code, _label in SEVERITY_SELECTION]
KIND_SELECTION = [
    ("below_min", "Below minimum"),
    ("below_safety", "Below safety stock"),
    ("out_of_stock", "Out of stock"),
    ("overstock", "Overstock"),
]
# Kinds of one family share one alert per product x scope: a worse kind of
# the family escalates it, a milder one de-escalates it.
KIND_FAMILY = {
    "below_min": "shortage",
    "below_safety": "shortage",
    "out_of_stock": "shortage",
    "overstock": "overstock",
}
# Severity steps a kind adds to its rule's severity.
KIND_RANK = {"below_min": 0, "below_safety": 1, "out_of_stock": 2, "overstock": 0}
OPEN_STATES = ("open", "acknowledged", "snoozed")
# Changes made by the evaluation say what happened in one logged note each,
# instead of field tracking and creation messages.
SYSTEM_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
}
# Figures of the current status shown on the alert.
STATUS_FIGURES = (
    "on_hand",
    "free",
    "forecast",
    "min_qty",
    "safety_qty",
    "days_of_cover",
)


class StockThresholdAlert(models.Model):
    """A stock alert: a governed product x scope whose status crosses a
    threshold. At most one unresolved alert per product, scope and family of
    kinds; it escalates, de-escalates and resolves itself as the status
    moves, in the transaction that moved the stock."""

    _name = "stock.threshold.alert"
    _description = "Stock Alert"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state_priority, severity_rank desc, detected_at desc, id desc"
    _rec_names_search = ["product_id", "location_id"]

    product_id = fields.Many2one(
        "product.product", required=True, readonly=True, index=True
    )
    location_id = fields.Many2one(
        "stock.location", string="Scope", required=True, readonly=True, index=True
    )
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    rule_id = fields.Many2one("stock.threshold.rule", readonly=True, index=True)
    status_id = fields.Many2one(
        "stock.threshold.status",
        compute="_compute_status_id",
        help="The current status of the product in the scope.",
    )
    kind = fields.Selection(KIND_SELECTION, required=True, readonly=True, tracking=True)
    family = fields.Char(compute="_compute_family", store=True, readonly=True)
    severity = fields.Selection(
        SEVERITY_SELECTION, required=True, readonly=True, tracking=True
    )
    severity_rank = fields.Integer(compute="_compute_severity_rank", store=True)
    state = fields.Selection(
        [
            ("open", "Open"),
            ("acknowledged", "Acknowledged"),
            ("snoozed", "Snoozed"),
            ("resolved", "Resolved"),
        ],
        required=True,
        default="open",
        readonly=True,
        tracking=True,
        index=True,
    )
    state_priority = fields.Integer(compute="_compute_state_priority", store=True)
    user_id = fields.Many2one("res.users", string="Responsible", tracking=True)
    snoozed_until = fields.Datetime(readonly=True, tracking=True)
    detected_at = fields.Datetime(
        required=True, readonly=True, default=fields.Datetime.now
    )
    acknowledged_at = fields.Datetime(readonly=True)
    acknowledged_uid = fields.Many2one(
        "res.users", string="Acknowledged By", readonly=True
    )
    resolved_at = fields.Datetime(readonly=True)
    resolved_uid = fields.Many2one("res.users", string="Resolved By", readonly=True)
    detected_on_hand = fields.Float(
        string="On Hand at Detection", readonly=True, digits="Product Unit of Measure"
    )
    detected_free = fields.Float(
        string="Free at Detection", readonly=True, digits="Product Unit of Measure"
    )
    detected_forecast = fields.Float(
        string="Forecast at Detection", readonly=True, digits="Product Unit of Measure"
    )
    on_hand = fields.Float(
        compute="_compute_status_id", digits="Product Unit of Measure"
    )
    free = fields.Float(compute="_compute_status_id", digits="Product Unit of Measure")
    forecast = fields.Float(
        compute="_compute_status_id",
        digits="Product Unit of Measure",
    )
    min_qty = fields.Float(
        string="Minimum", compute="_compute_status_id", digits="Product Unit of Measure"
    )
    safety_qty = fields.Float(
        string="Safety Stock",
        compute="_compute_status_id",
        digits="Product Unit of Measure",
    )
    days_of_cover = fields.Float(compute="_compute_status_id", digits=(16, 1))
    uom_id = fields.Many2one(related="product_id.uom_id")

    def init(self):
        # At most one unresolved alert per product, scope and family.
        self.env.cr.execute(
            """CREATE UNIQUE INDEX IF NOT EXISTS stock_threshold_alert_open_uniq
                   ON stock_threshold_alert (product_id, location_id, family)
                WHERE state != 'resolved'"""
        )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    def _compute_status_id(self):
        statuses = self.env["stock.threshold.status"].search(
            [
                ("product_id", "in", self.product_id.ids),
                ("location_id", "in", self.location_id.ids),
            ]
        )
        by_key = {(st.product_id.id, st.location_id.id): st for st in statuses}
        for alert in self:
            key = (alert.product_id.id, alert.location_id.id)
            status = by_key.get(key, statuses.browse())
            alert.status_id = status
            for name in STATUS_FIGURES:
                alert[name] = status[name]

    @api.depends("kind")
    def _compute_family(self):
        for alert in self:
            alert.family = KIND_FAMILY.get(alert.kind)

    @api.depends("severity")
    def _compute_severity_rank(self):
        for alert in self:
            alert.severity_rank = SEVERITIES.index(alert.severity or "low")

    @api.depends("state")
    def _compute_state_priority(self):
        order = {"open": 0, "acknowledged": 1, "snoozed": 2, "resolved": 3}
        for alert in self:
            alert.state_priority = order.get(alert.state, 3)

    @api.depends("product_id", "location_id", "kind")
    def _compute_display_name(self):
        kinds = dict(KIND_SELECTION)
        for alert in self:
            scope = alert.warehouse_id.name or alert.location_id.complete_name
            alert.display_name = (
                f"{kinds.get(alert.kind, '')}: {alert.product_id.display_name} "
                f"@ {scope}"
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_acknowledge(self):
        """Say that someone is on it: the alert stays until stock recovers."""
        alerts = self.filtered(lambda a: a.state in ("open", "snoozed"))
        alerts.write(
            {
                "state": "acknowledged",
                "acknowledged_at": fields.Datetime.now(),
                "acknowledged_uid": self.env.uid,
                "snoozed_until": False,
            }
        )
        return True

    def action_snooze(self, until=None):
        """Silence the alerts until a date (default: tomorrow); they wake up
        then if the condition still holds."""
        until = until or fields.Datetime.now() + timedelta(days=1)
        if fields.Datetime.to_datetime(until) <= fields.Datetime.now():
            raise UserError(self.env._("Snooze until a date in the future."))
        if any(alert.state == "resolved" for alert in self):
            raise UserError(self.env._("Resolved alerts cannot be snoozed."))
        self.write({"state": "snoozed", "snoozed_until": until})
        return True

    def action_open_snooze_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.threshold.alert.snooze",
            "view_mode": "form",
            "target": "new",
            "context": {"default_alert_ids": self.ids},
        }

    # ------------------------------------------------------------------
    # Synchronisation with the statuses
    # ------------------------------------------------------------------
    @api.model
    def _sync_statuses(self, statuses):
        """Open, escalate, de-escalate or resolve the alerts of changed
        statuses: one search for their open alerts, one batched create."""
        if not statuses:
            return self.browse()
        open_alerts = self.search(
            [
                ("product_id", "in", statuses.product_id.ids),
                ("location_id", "in", statuses.location_id.ids),
                ("state", "in", OPEN_STATES),
            ]
        )
        by_key = {(a.product_id.id, a.location_id.id, a.family): a for a in open_alerts}
        to_create, changes, recovered_ids = [], [], []
        for status in statuses:
            wanted = self._get_wanted_kinds(status)
            for family in set(KIND_FAMILY.values()):
                alert = by_key.get(
                    (status.product_id.id, status.location_id.id, family)
                )
                kind = wanted.get(family)
                if kind and not alert:
                    to_create.append(self._prepare_alert_values(status, kind))
                elif kind and alert.kind != kind:
                    changes.append((alert, kind, status))
                elif not kind and alert:
                    recovered_ids.append(alert.id)
        self.browse(recovered_ids)._resolve(
            self.env._("The stock is back within its levels.")
        )
        self._change_kinds(changes)
        created = self.with_context(**SYSTEM_CONTEXT).create(to_create)
        created._log_batch(
            lambda alert: self.env._(
                "Detected: free %(free)s, forecast %(forecast)s.",
                free=alert.detected_free,
                forecast=alert.detected_forecast,
            )
        )
        created._notify_responsible(opened=True)
        return created

    @api.model
    def _resolve_orphans(self):
        """Resolve the alerts whose status is gone: no rule governs the
        product there any more."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT a.id FROM stock_threshold_alert a
                    WHERE a.state IN %s AND NOT EXISTS (
                          SELECT 1 FROM stock_threshold_status s
                           WHERE s.product_id = a.product_id
                             AND s.location_id = a.location_id)""",
                OPEN_STATES,
            )
        )
        orphans = self.browse(row[0] for row in self.env.cr.fetchall())
        orphans._resolve(self.env._("No rule governs this product here any more."))

    def _get_wanted_kinds(self, status):
        """``{family: kind}`` that a status calls for (hook for new kinds)."""
        if KIND_FAMILY.get(status.status):
            return {KIND_FAMILY[status.status]: status.status}
        return {}

    def _prepare_alert_values(self, status, kind):
        return {
            "product_id": status.product_id.id,
            "location_id": status.location_id.id,
            "warehouse_id": status.warehouse_id.id,
            "company_id": status.company_id.id,
            "rule_id": status.rule_id.id,
            "kind": kind,
            "severity": self._get_severity(status.rule_id, kind),
            "user_id": self._get_responsible(status).id,
            "detected_on_hand": status.on_hand,
            "detected_free": status.free,
            "detected_forecast": status.forecast,
        }

    def _get_severity(self, rule, kind):
        """The rule's severity, one step up for each step of the kind."""
        base = SEVERITIES.index(rule.severity or "medium")
        return SEVERITIES[min(base + KIND_RANK[kind], len(SEVERITIES) - 1)]

    def _get_responsible(self, status):
        """The rule's responsible, else the product's, else a manager of the
        warehouse's company (Inventory administrators)."""
        user = status.rule_id.user_id or status.product_id.responsible_id
        if user:
            return user
        managers = self.env.ref("stock.group_stock_manager").sudo().users
        return managers.filtered(
            lambda u: status.company_id in u.company_ids and not u.share
        )[:1]

    @api.model
    def _change_kinds(self, changes):
        """Move alerts to another kind of their family, ``changes`` being
        ``[(alert, kind, status)]``; worse kinds re-open the alert and notify
        again. Writes are grouped by values, messages logged in one batch."""
        kinds = dict(KIND_SELECTION)
        groups = defaultdict(list)
        bodies, worse_ids = {}, []
        for alert, kind, status in changes:
            worse = KIND_RANK[kind] > KIND_RANK[alert.kind]
            severity = self._get_severity(status.rule_id, kind)
            groups[kind, severity, status.rule_id.id, worse].append(alert.id)
            if worse:
                worse_ids.append(alert.id)
            bodies[alert.id] = self.env._(
                "%(verb)s from %(old)s to %(new)s: free %(free)s, "
                "forecast %(forecast)s.",
                verb=self.env._("Escalated") if worse else self.env._("De-escalated"),
                old=kinds[alert.kind],
                new=kinds[kind],
                free=status.free,
                forecast=status.forecast,
            )
        for (kind, severity, rule_id, worse), alert_ids in groups.items():
            values = {"kind": kind, "severity": severity, "rule_id": rule_id}
            if worse:
                values.update(state="open", snoozed_until=False)
            self.browse(alert_ids).with_context(**SYSTEM_CONTEXT).write(values)
        self.browse(bodies)._message_log_batch(bodies=bodies)
        self.browse(worse_ids)._notify_responsible(opened=False)

    def _log_batch(self, body_of):
        """Log one note per alert in one batch (no notification)."""
        if self:
            self._message_log_batch(bodies={alert.id: body_of(alert) for alert in self})

    def _resolve(self, reason):
        """Resolve with a message and close the responsible's activities."""
        if not self:
            return
        self.with_context(**SYSTEM_CONTEXT).write(
            {
                "state": "resolved",
                "resolved_at": fields.Datetime.now(),
                "resolved_uid": self.env.uid,
                "snoozed_until": False,
            }
        )
        self._log_batch(lambda alert: reason)
        self.activity_ids.action_feedback(feedback=reason)

    @api.model
    def _cron_wake_snoozed(self):
        """Snoozed alerts whose date passed and whose condition holds open
        again and notify their responsible."""
        alerts = self.search(
            [("state", "=", "snoozed"), ("snoozed_until", "<=", fields.Datetime.now())]
        )
        alerts.with_context(**SYSTEM_CONTEXT).write(
            {"state": "open", "snoozed_until": False}
        )
        alerts._log_batch(lambda alert: self.env._("Snooze ended; the alert holds."))
        alerts._notify_responsible(opened=False)
        return alerts

    # ------------------------------------------------------------------
    # Channels
    # ------------------------------------------------------------------
    def _notify_responsible(self, opened):
        """Activity for the responsible (one open at a time) and a live
        notice in their web client."""
        activity_type = self.env.ref(
            "stock_threshold.mail_activity_type_stock_alert", raise_if_not_found=False
        )
        by_user = defaultdict(list)
        activities = []
        model_id = self.env["ir.model"]._get_id(self._name)
        for alert in self.filtered("user_id"):
            by_user[alert.user_id].append(alert)
            if activity_type and not alert.activity_ids:
                activities.append(
                    {
                        "res_model_id": model_id,
                        "res_id": alert.id,
                        "activity_type_id": activity_type.id,
                        "user_id": alert.user_id.id,
                        "summary": alert.display_name,
                        "date_deadline": fields.Date.context_today(self),
                    }
                )
        self.env["mail.activity"].sudo().create(activities)
        for user, alerts in by_user.items():
            user._bus_send(
                "stock_threshold_alert",
                [alert._get_notice(opened) for alert in alerts],
            )

    def _get_notice(self, opened):
        """The payload of the live notice (see static/src/js)."""
        self.ensure_one()
        return {
            "id": self.id,
            "title": (
                self.env._("Stock alert")
                if opened
                else self.env._("Stock alert escalated")
            ),
            "message": self.display_name,
            "severity": self.severity,
        }
