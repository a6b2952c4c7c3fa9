from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools.status import SEVERITY_SELECTION, STATUS_CODES

SEVERITIES = [code for code, _label in SEVERITY_SELECTION]
KIND_SELECTION = [
    ("below_min", "Below minimum"),
    ("below_safety", "Below safety stock"),
    ("projected_stockout", "Projected stock-out"),
    ("out_of_stock", "Out of stock"),
    ("overstock", "Overstock"),
    ("dead_stock", "Dead stock"),
]
# Kinds of one family share one alert per product x scope: a worse kind of
# the family escalates it, a milder one de-escalates it.
KIND_FAMILY = {
    "below_min": "shortage",
    "below_safety": "shortage",
    "projected_stockout": "shortage",
    "out_of_stock": "shortage",
    "overstock": "overstock",
    "dead_stock": "dead_stock",
}
# Kinds of a family from mildest to worst.
KIND_ORDER = [code for code, _label in KIND_SELECTION]
# Severity steps a kind adds to its rule's severity.
KIND_RANK = {
    "below_min": 0,
    "below_safety": 1,
    "projected_stockout": 2,
    "out_of_stock": 2,
    "overstock": 0,
    "dead_stock": 0,
}
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
    escalated_at = fields.Datetime(
        readonly=True, help="Last time the alert escalated to a worse kind."
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

    @api.depends("product_id", "location_id", "warehouse_id", "kind")
    def _compute_display_name(self):
        kinds = dict(KIND_SELECTION)
        for alert in self:
            # the warehouse name for a warehouse scope, else the location's
            warehouse = alert.warehouse_id
            scope = (
                warehouse.name
                if warehouse.view_location_id == alert.location_id
                else alert.location_id.complete_name
            )
            alert.display_name = (
                f"{kinds.get(alert.kind, '')}: {alert.product_id.display_name} "
                f"@ {scope}"
            )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("user_id", "company_id")
    def _check_user_id(self):
        """The responsible follows the alert and is told of it: they must be
        able to read it."""
        blind = self.filtered("user_id") - self._filtered_readers()
        if blind:
            raise ValidationError(
                self.env._(
                    "%(user)s cannot read the stock alert %(alert)s: choose a "
                    "responsible with Inventory rights in its company.",
                    user=blind[0].user_id.name,
                    alert=blind[0].display_name,
                )
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
        resolved = self.browse(recovered_ids)
        resolved._resolve(self.env._("The stock is back within its levels."))
        escalated = self._change_kinds(changes)
        created = self.with_context(**SYSTEM_CONTEXT).create(to_create)
        created._log_batch(
            lambda alert: self.env._(
                "Detected: free %(free)s, forecast %(forecast)s.",
                free=alert.detected_free,
                forecast=alert.detected_forecast,
            )
        )
        self._dispatch_events(
            {"opened": created, "escalated": escalated, "resolved": resolved}
        )
        return created

    @api.model
    def _resolve_orphans(self, product_ids=None, location_ids=None):
        """Resolve the alerts whose status is gone: no rule governs the
        product there any more. Only the evaluated products and scope
        locations are looked at (None: all) in the allowed companies."""
        self.env.flush_all()
        where = [
            SQL("a.state IN %s", OPEN_STATES),
            SQL("a.company_id = ANY(%s)", self.env.companies.ids),
        ]
        if product_ids is not None:
            where.append(SQL("a.product_id = ANY(%s)", list(product_ids)))
        if location_ids is not None:
            where.append(SQL("a.location_id = ANY(%s)", list(location_ids)))
        self.env.cr.execute(
            SQL(
                """SELECT a.id FROM stock_threshold_alert a
                    WHERE %s AND NOT EXISTS (
                          SELECT 1 FROM stock_threshold_status s
                           WHERE s.product_id = a.product_id
                             AND s.location_id = a.location_id)""",
                SQL(" AND ").join(where),
            )
        )
        orphans = self.browse(row[0] for row in self.env.cr.fetchall())
        orphans._resolve(self.env._("No rule governs this product here any more."))
        self._dispatch_events({"resolved": orphans})

    def _get_wanted_kinds(self, status):
        """``{family: kind}`` that a status calls for, the worst kind of each
        family: its status code, and its projected stock-out and dead stock
        flags (hook for new kinds; the status columns they read go in
        ``stock.threshold.status._get_alert_columns``)."""
        kinds = [status.status] if KIND_FAMILY.get(status.status) else []
        if status.projected_stockout:
            kinds.append("projected_stockout")
        if status.dead_stock:
            kinds.append("dead_stock")
        wanted = {}
        for kind in sorted(kinds, key=KIND_ORDER.index):
            wanted[KIND_FAMILY[kind]] = kind
        return wanted

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
        warehouse's company (Inventory administrators): the first of them
        who may read the alert, since the others could not open it."""
        company = status.company_id
        for get_users in (
            lambda: status.rule_id.user_id,
            # the product's responsible is set per company
            lambda: status.product_id.with_company(company).responsible_id,
            lambda: self.env.ref("stock.group_stock_manager").sudo().users,
        ):
            for user in get_users():
                if self._is_alert_reader(user, company):
                    return user
        return self.env["res.users"]

    @api.model
    def _is_alert_reader(self, user, company):
        """Whether ``user`` may read the alerts of ``company``: an internal
        user with read access to alerts and that company among theirs."""
        return (
            not user.share
            and company.id in user._get_company_ids()
            and self.with_user(user).browse().has_access("read")
        )

    def _filtered_readers(self):
        """The alerts that their responsible may read, one access check per
        responsible: nobody is told of a record they cannot open."""
        readable = self.browse()
        for user, alerts in self.filtered("user_id").grouped("user_id").items():
            user_env = self.env(
                user=user,
                context={"allowed_company_ids": list(user._get_company_ids())},
            )
            readable |= alerts.with_env(user_env)._filtered_access("read")
        return readable.with_env(self.env)

    @api.model
    def _change_kinds(self, changes):
        """Move alerts to another kind of their family, ``changes`` being
        ``[(alert, kind, status)]``; worse kinds re-open the alert. Writes
        are grouped by values, messages logged in one batch. Returns the
        escalated alerts."""
        kinds = dict(KIND_SELECTION)
        groups = defaultdict(list)
        bodies, worse_ids = {}, []
        for alert, kind, status in changes:
            worse = KIND_ORDER.index(kind) > KIND_ORDER.index(alert.kind)
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
                values.update(
                    state="open",
                    snoozed_until=False,
                    escalated_at=fields.Datetime.now(),
                )
            self.browse(alert_ids).with_context(**SYSTEM_CONTEXT).write(values)
        self.browse(bodies)._message_log_batch(bodies=bodies)
        return self.browse(worse_ids)

    def _log_batch(self, body_of):
        """Log one note per alert in one batch (no notification)."""
        if self:
            self._message_log_batch(bodies={alert.id: body_of(alert) for alert in self})

    def _resolve(self, reason):
        """Resolve with a message: the feedback of the closed activities,
        else a note."""
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
        self._close_activities(reason)

    @api.model
    def _sync_unalerted(self):
        """Open the alerts of statuses that call for one and have none
        unresolved: statuses stored before the alerts existed, or whose
        alert was deleted (the evaluation only looks at what changed).
        One query finds them, family by family."""
        self.env.flush_all()
        calls_for = {
            "projected_stockout": SQL("s.projected_stockout"),
            "dead_stock": SQL("s.dead_stock"),
        }
        conditions = [
            SQL(
                """(%s AND NOT EXISTS (
                        SELECT 1 FROM stock_threshold_alert a
                         WHERE a.product_id = s.product_id
                           AND a.location_id = s.location_id
                           AND a.family = %s AND a.state != 'resolved'))""",
                SQL(" OR ").join(
                    calls_for.get(kind) or SQL("s.status = %s", kind)
                    for kind in KIND_FAMILY
                    if KIND_FAMILY[kind] == family
                    and (kind in calls_for or kind in STATUS_CODES)
                ),
                family,
            )
            for family in set(KIND_FAMILY.values())
        ]
        self.env.cr.execute(
            SQL(
                "SELECT s.id FROM stock_threshold_status s WHERE %s",
                SQL(" OR ").join(conditions),
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        return self._sync_statuses(self.env["stock.threshold.status"].browse(ids))

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
        alerts._notify_people("woken")
        return alerts
