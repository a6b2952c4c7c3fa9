from collections import defaultdict

import numpy as np

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..tools.sql_array import array_literal
from ..tools.status import STATUS_CODES, STATUS_SELECTION
from .stock_position import FIGURES

# Draft RFQ quantities are read live through the position hook, not stored.
STORED_FIGURES = tuple(name for name in FIGURES if name != "draft_ordered")
# Columns the evaluation writes (and compares with the stored rows).
STORED_COLUMNS = (
    "rule_id",
    "status",
    "status_priority",
    "to_reorder",
    *STORED_FIGURES,
    "days_of_cover",
    "has_usage",
    "min_qty",
    "safety_qty",
    "max_qty",
    "projected_stockout",
    "dead_stock",
)


class StockThresholdStatus(models.Model):
    """Stored status of each governed product x scope.

    Rows are written only by the set-based evaluation (``_evaluate``), so
    that lists filter and group instantly; they are refreshed by a cron, on
    demand, when rules change and after stock moves are done.
    """

    _name = "stock.threshold.status"
    _description = "Stock Threshold Status"
    _order = "status_priority desc, days_of_cover, product_id"
    _rec_names_search = ["product_id", "location_id"]

    product_id = fields.Many2one(
        "product.product", required=True, readonly=True, index=True
    )
    product_tmpl_id = fields.Many2one(
        "product.template", string="Product Template", readonly=True, index=True
    )
    categ_id = fields.Many2one(
        related="product_tmpl_id.categ_id", string="Product Category"
    )
    location_id = fields.Many2one(
        "stock.location", string="Scope", required=True, readonly=True, index=True
    )
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    rule_id = fields.Many2one(
        "stock.threshold.rule", readonly=True, index=True, ondelete="cascade"
    )
    severity = fields.Selection(related="rule_id.severity")
    user_id = fields.Many2one(related="rule_id.user_id", string="Responsible")
    status = fields.Selection(
        STATUS_SELECTION,
        required=True,
        readonly=True,
        index=True,
        group_expand="_group_expand_status",
    )
    status_priority = fields.Integer(readonly=True, aggregator=False)
    to_reorder = fields.Boolean(
        readonly=True,
        help="The forecast is below the minimum: what Odoo's reordering rules "
        "would order.",
    )
    on_hand = fields.Float(readonly=True, digits="Product Unit of Measure")
    reserved = fields.Float(readonly=True, digits="Product Unit of Measure")
    free = fields.Float(readonly=True, digits="Product Unit of Measure")
    incoming = fields.Float(readonly=True, digits="Product Unit of Measure")
    in_transit = fields.Float(readonly=True, digits="Product Unit of Measure")
    on_order = fields.Float(readonly=True, digits="Product Unit of Measure")
    outgoing = fields.Float(readonly=True, digits="Product Unit of Measure")
    forecast = fields.Float(readonly=True, digits="Product Unit of Measure")
    daily_usage = fields.Float(readonly=True, digits="Product Unit of Measure")
    days_of_cover = fields.Float(readonly=True, aggregator="avg", digits=(16, 1))
    has_usage = fields.Boolean(readonly=True)
    min_qty = fields.Float(
        string="Minimum", readonly=True, digits="Product Unit of Measure"
    )
    safety_qty = fields.Float(
        string="Safety Stock", readonly=True, digits="Product Unit of Measure"
    )
    max_qty = fields.Float(
        string="Maximum", readonly=True, digits="Product Unit of Measure"
    )
    projected_stockout = fields.Boolean(
        string="Projected Stock-out",
        readonly=True,
        help="The forecast falls below zero within the lead time: what is "
        "ordered now arrives too late.",
    )
    dead_stock = fields.Boolean(
        readonly=True,
        help="Stock on hand with no move out for the rule's dead stock period.",
    )
    uom_id = fields.Many2one(related="product_id.uom_id")
    changed_at = fields.Datetime(
        string="Last Change",
        readonly=True,
        help="When the evaluation last found different figures or status.",
    )
    rule_reason = fields.Text(string="Why this rule", compute="_compute_rule_reason")

    _sql_constraints = [
        (
            "product_location_uniq",
            "unique(product_id, location_id)",
            "A product has one status per scope.",
        )
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("product_id", "location_id")
    def _compute_display_name(self):
        for record in self:
            scope = record.warehouse_id.view_location_id == record.location_id and (
                record.warehouse_id.name
            )
            record.display_name = (
                f"{record.product_id.display_name} @ "
                f"{scope or record.location_id.complete_name}"
            )

    def _compute_rule_reason(self):
        Rule = self.env["stock.threshold.rule"]
        for record in self:
            record.rule_reason = Rule.explain_governing_rule(
                record.product_id.id, record.location_id.id
            )["reason"]

    @api.model
    def _group_expand_status(self, statuses, domain):
        return [code for code in reversed(STATUS_CODES) if code != "none"]

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    @api.model
    def action_evaluate(self):
        """Refresh every status now (Thresholds managers)."""
        if not self.env.user.has_group("stock_threshold.group_threshold_manager"):
            raise AccessError(
                self.env._("Only Thresholds managers can run the evaluation.")
            )
        count = self._evaluate_all()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Statuses evaluated: %(count)s changed.", count=count
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------------
    # Evaluation
    # ------------------------------------------------------------------
    @api.model
    def _cron_evaluate(self):
        """Scheduled full evaluation, reporting its progress per company;
        then statuses left without their alert get one, and the snoozed
        alerts whose date passed wake up."""
        self._evaluate_all(cron=self.env["ir.cron"])
        Alert = self.env["stock.threshold.alert"]
        Alert._sync_unalerted()
        Alert._cron_wake_snoozed()

    @api.model
    def _evaluate_all(self, cron=None):
        companies = self.env["res.company"].sudo().search([])
        done = 0
        for index, company in enumerate(companies):
            done += self._evaluate(company_ids=company.ids)
            if cron is not None:
                cron._notify_progress(
                    done=index + 1, remaining=len(companies) - index - 1
                )
        return done

    @api.model
    def _evaluate_for_moves(self, moves):
        """Incremental refresh after moves are done: only the moved products
        in the rule scopes that contain a touched location."""
        if self.env.context.get("stock_threshold_skip_refresh") or not moves:
            return 0
        touched = (moves.location_id | moves.location_dest_id).ids
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT r.scope_location_id, r.company_id
                     FROM stock_threshold_rule r
                     JOIN stock_location rl ON rl.id = r.scope_location_id
                     JOIN stock_location l ON starts_with(l.parent_path, rl.parent_path)
                    WHERE r.active AND l.id = ANY(%s)""",
                touched,
            )
        )
        by_company = defaultdict(list)
        for location_id, company_id in self.env.cr.fetchall():
            by_company[company_id].append(location_id)
        count = 0
        for company_id, location_ids in by_company.items():
            count += self._evaluate(
                product_ids=moves.product_id.ids,
                location_ids=location_ids,
                company_ids=[company_id],
            )
        return count

    @api.model
    def _evaluate(self, product_ids=None, location_ids=None, company_ids=None):
        """Evaluate the statuses of the governed pairs, set-based, company by
        company (each with its own usage window and lead time).

        ``product_ids`` / ``location_ids`` restrict the evaluation (None: all
        products, every rule scope). Returns the number of rows written (rows
        whose figures and status did not change are left alone).
        """
        companies = self.env["res.company"].browse(
            company_ids or self.env.companies.ids
        )
        return sum(
            self.sudo()
            .with_context(allowed_company_ids=company.ids)
            ._evaluate_company(product_ids, location_ids)
            for company in companies
        )

    def _evaluate_company(self, product_ids, location_ids):
        """Evaluation for the one company of the environment: evaluate the
        governed pairs (``stock.position._evaluate_governed``), compare them
        with the stored rows, then delete the rows no rule governs any more
        and write the rows that changed, in one statement (none when
        nothing changed). Returns the number of rows written."""
        self.env.flush_all()
        scopes = self._get_rule_scopes(location_ids)
        now = fields.Datetime.now()
        Position = self.env["stock.position"]
        with Position._without_jit():
            evaluated = Position._evaluate_governed(scopes, product_ids, now)
            stored = self._read_stored(product_ids, location_ids)
            changed, alerting = self._write_evaluated(evaluated, stored, now)
        self.invalidate_model()
        self._after_evaluation(changed, product_ids, location_ids, alerting)
        return len(changed)

    def _after_evaluation(
        self, changed, product_ids=None, location_ids=None, alerting=None
    ):
        """Hook called with the statuses an evaluation wrote, and what it
        evaluated: the alerts follow them in the same transaction.
        ``alerting`` are the written statuses that are new or whose status
        or alert flags (``_get_alert_columns``) changed (None: all of
        ``changed``): a status whose figures alone changed calls for the
        alerts it already has (statuses left without theirs are the cron's,
        see ``_sync_unalerted``)."""
        Alert = self.env["stock.threshold.alert"]
        Alert._sync_statuses(changed if alerting is None else alerting)
        Alert._resolve_orphans(product_ids, location_ids)

    def _get_stored_values(self, evaluated):
        """``{column: numpy array}``: the ``STORED_COLUMNS`` of the evaluated
        pairs (see ``_evaluate_governed``) as the rows store them; figures
        derived from the usage are stored to a fixed precision, so that
        float noise never counts as a change. Status codes are indexes in
        ``STATUS_SELECTION`` and NaN is NULL."""

        def fixed(values, factor):
            return np.round(values * factor) / factor

        values = {name: evaluated[name] for name in STORED_FIGURES}
        values.update(
            rule_id=evaluated["rule_id"],
            status=evaluated["status"],
            status_priority=evaluated["status"],  # the index is the priority
            to_reorder=evaluated["forecast"] < evaluated["min_qty"],
            daily_usage=fixed(evaluated["daily_usage"], 1e6),
            days_of_cover=fixed(evaluated["days_of_cover"], 1e4),
            has_usage=~np.isnan(evaluated["days_of_cover"]),
            min_qty=fixed(evaluated["min_qty"], 1e4),
            safety_qty=fixed(evaluated["safety_qty"], 1e4),
            max_qty=fixed(evaluated["max_qty"], 1e4),
            projected_stockout=evaluated["projected_stockout"],
            dead_stock=evaluated["dead_stock"],
        )
        return {name: values[name] for name in STORED_COLUMNS}

    def _read_stored(self, product_ids, location_ids):
        """The stored rows of the evaluated products and locations of the
        environment's companies, as numpy arrays (``id``, ``key`` as in
        ``_evaluate_governed`` and the ``STORED_COLUMNS`` as
        ``_get_stored_values`` gives them, NULL as NaN or -1), sorted by
        ``key``."""
        where = [SQL("company_id = ANY(%s)", self.env.companies.ids)]
        if product_ids is not None:
            where.append(SQL("product_id = ANY(%s)", list(product_ids)))
        if location_ids is not None:
            where.append(SQL("location_id = ANY(%s)", list(location_ids)))
        columns = [SQL("id"), SQL("product_id"), SQL("location_id")]
        fields_ = [("id", ">i4"), ("product_id", ">i4"), ("location_id", ">i4")]
        for name in STORED_COLUMNS:
            if name == "status":
                expression = SQL(
                    "CASE status %s ELSE -1 END",
                    SQL(" ").join(
                        SQL("WHEN %s THEN %s", code, index)
                        for index, code in enumerate(STATUS_CODES)
                    ),
                )
                kind = ">i4"
            elif self._fields[name].type in ("integer", "many2one"):
                expression, kind = SQL("COALESCE(%s, -1)", SQL.identifier(name)), ">i4"
            elif self._fields[name].type == "boolean":
                expression = SQL("COALESCE(%s::int, -1)", SQL.identifier(name))
                kind = ">i4"
            else:
                expression = SQL("COALESCE(%s::float8, 'NaN')", SQL.identifier(name))
                kind = ">f8"
            columns.append(expression)
            fields_.append((name, kind))
        stored = self.env["stock.position"]._copy_records(
            SQL(
                "SELECT %s FROM stock_threshold_status WHERE %s",
                SQL(", ").join(columns),
                SQL(" AND ").join(where),
            ),
            fields_,
        )
        key = (stored.pop("product_id").astype(np.int64) << 32) | stored.pop(
            "location_id"
        )
        order = np.argsort(key, kind="stable")
        stored = {name: values[order] for name, values in stored.items()}
        stored["key"] = key[order]
        return stored

    def _write_evaluated(self, evaluated, stored, now):
        """Delete the ``stored`` rows that are not ``evaluated`` any more,
        insert or update the evaluated rows that are new or differ (NULL
        and NaN count as equal, as IS NOT DISTINCT FROM), in one statement.
        Returns the statuses written, and those of them that are new or whose
        ``_get_alert_columns`` changed."""
        keys = evaluated["key"]
        size = len(keys)
        # position of each evaluated pair in the stored rows
        position = np.searchsorted(stored["key"], keys)
        found = position < len(stored["key"])
        found[found] = stored["key"][position[found]] == keys[found]
        changed = ~found
        alerting = ~found
        alert_columns = self._get_alert_columns()
        new = self._get_stored_values(evaluated) if size else {}
        for name in new:
            old = stored[name][position[found]]
            value = new[name]
            if value.dtype == bool:
                value = value.astype(np.int32)
            same = old == value[found]
            if value.dtype.kind == "f":
                same |= np.isnan(old) & np.isnan(value[found])
            changed[found] |= ~same
            if name in alert_columns:
                alerting[found] |= ~same
        present = np.zeros(len(stored["key"]), dtype=bool)
        present[position[found]] = True
        stale = stored["id"][~present]
        rows = np.flatnonzero(changed)
        if not len(rows):
            if len(stale):
                self.env.cr.execute(
                    SQL(
                        "DELETE FROM stock_threshold_status WHERE id = ANY(%s)",
                        stale.tolist(),
                    )
                )
            return self.browse(), self.browse()

        def column(name):
            values = new[name][rows]
            if name == "status":
                return array_literal([STATUS_CODES[value] for value in values.tolist()])
            return array_literal(values)

        self.env.cr.execute(
            SQL(
                """
WITH stale AS (
    DELETE FROM stock_threshold_status WHERE id = ANY(%(stale)s)
)
INSERT INTO stock_threshold_status AS s (
    product_id, location_id, product_tmpl_id, warehouse_id, company_id,
    %(columns)s, changed_at, create_uid, create_date, write_uid, write_date)
SELECT n.product_id, n.scope_id, p.product_tmpl_id, l.warehouse_id, l.company_id,
       %(new)s, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
  FROM unnest(%(arrays)s) AS n(product_id, scope_id, %(columns)s)
  JOIN product_product p ON p.id = n.product_id
  JOIN stock_location l ON l.id = n.scope_id
ON CONFLICT (product_id, location_id) DO UPDATE
   SET (%(columns)s, changed_at, write_uid, write_date)
     = (%(excluded)s, EXCLUDED.changed_at, EXCLUDED.write_uid, EXCLUDED.write_date)
RETURNING s.id, s.product_id, s.location_id""",
                stale=stale.tolist(),
                columns=SQL(", ").join(map(SQL.identifier, STORED_COLUMNS)),
                new=SQL(", ").join(SQL.identifier("n", n) for n in STORED_COLUMNS),
                excluded=SQL(", ").join(
                    SQL.identifier("excluded", n) for n in STORED_COLUMNS
                ),
                arrays=SQL(", ").join(
                    [
                        SQL("%s::int[]", array_literal(evaluated["product_id"][rows])),
                        SQL("%s::int[]", array_literal(evaluated["scope_id"][rows])),
                    ]
                    + [
                        SQL("%s::%s[]", column(name), SQL(self._array_type(name)))
                        for name in STORED_COLUMNS
                    ]
                ),
                now=now,
                uid=self.env.uid,
            )
        )
        written = self.env.cr.fetchall()
        alerting_keys = set(keys[alerting].tolist())
        return self.browse(row[0] for row in written), self.browse(
            status_id
            for status_id, product_id, location_id in written
            if (product_id << 32 | location_id) in alerting_keys
        )

    def _get_alert_columns(self):
        """Stored columns whose change may open, change or resolve an alert
        (see ``stock.threshold.alert._get_wanted_kinds``): a module adding
        a kind of alert from another column adds that column here."""
        return ("status", "projected_stockout", "dead_stock")

    def _array_type(self, name):
        return {
            "integer": "int",
            "many2one": "int",
            "boolean": "bool",
            "selection": "varchar",
        }.get(self._fields[name].type, "float8")

    def _get_rule_scopes(self, location_ids=None):
        """Scope locations of the active rules of the allowed companies."""
        domain = [("company_id", "in", self.env.companies.ids)]
        if location_ids is not None:
            domain.append(("scope_location_id", "in", list(location_ids)))
        groups = self.env["stock.threshold.rule"]._read_group(
            domain, ["scope_location_id"]
        )
        return [location.id for (location,) in groups]
