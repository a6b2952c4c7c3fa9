from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..tools.status import STATUS_SELECTION
from .stock_position import FIGURES

STATUS_PRIORITY = {code: index for index, (code, _label) in enumerate(STATUS_SELECTION)}
# Draft RFQ quantities are read live through the position hook, not stored.
STORED_FIGURES = tuple(name for name in FIGURES if name != "draft_ordered")
# Columns the evaluation writes, in the order of its SELECT list.
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
        return [code for code, _label in reversed(STATUS_SELECTION) if code != "none"]

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
        """Evaluation for the one company of the environment, in one
        statement: evaluate the governed pairs, delete the rows no rule
        governs any more, and write only the rows that changed. Returns the
        number of rows written."""
        self.env.flush_all()
        scopes = self._get_rule_scopes(location_ids)
        with self.env["stock.position"]._without_jit():
            self.env.cr.execute(
                self._evaluation_upsert_query(scopes, product_ids, location_ids)
            )
            changed = self.browse(row[0] for row in self.env.cr.fetchall())
        self.invalidate_model()
        self._after_evaluation(changed, product_ids, location_ids)
        return len(changed)

    def _after_evaluation(self, changed, product_ids=None, location_ids=None):
        """Hook called with the statuses an evaluation wrote, and what it
        evaluated: the alerts follow them in the same transaction."""
        Alert = self.env["stock.threshold.alert"]
        Alert._sync_statuses(changed)
        Alert._resolve_orphans(product_ids, location_ids)

    def _get_rule_scopes(self, location_ids=None):
        """Scope locations of the active rules of the allowed companies."""
        domain = [("company_id", "in", self.env.companies.ids)]
        if location_ids is not None:
            domain.append(("scope_location_id", "in", list(location_ids)))
        groups = self.env["stock.threshold.rule"]._read_group(
            domain, ["scope_location_id"]
        )
        return [location.id for (location,) in groups]

    def _evaluation_upsert_query(self, scopes, product_ids, location_ids):
        """Upsert of the evaluated governed pairs of ``scopes`` that changed;
        the rows of the evaluated products and locations that are no longer
        governed are deleted by the same statement."""
        Position = self.env["stock.position"]
        now = fields.Datetime.now()
        evaluated = Position._positions_query(scopes, product_ids, "governed", now)
        stale = [SQL("s.company_id = ANY(%s)", self.env.companies.ids)]
        if product_ids is not None:
            stale.append(SQL("s.product_id = ANY(%s)", list(product_ids)))
        if location_ids is not None:
            stale.append(SQL("s.location_id = ANY(%s)", list(location_ids)))
        return SQL(
            """
WITH evaluated AS MATERIALIZED (%(evaluated)s),
stale AS (
    DELETE FROM stock_threshold_status s WHERE %(stale)s
       AND (s.product_id, s.location_id) NOT IN (
               SELECT product_id, scope_id FROM evaluated)
), stored AS (
    SELECT e.product_id, e.scope_id, %(stored)s FROM evaluated e
), changed AS (
    SELECT n.* FROM stored n
      LEFT JOIN stock_threshold_status s
             ON s.product_id = n.product_id AND s.location_id = n.scope_id
     WHERE s.id IS NULL OR (%(current)s) IS DISTINCT FROM (%(new)s)
)
INSERT INTO stock_threshold_status AS s (
    product_id, location_id, product_tmpl_id, warehouse_id, company_id,
    %(columns)s, changed_at, create_uid, create_date, write_uid, write_date)
SELECT n.product_id, n.scope_id, p.product_tmpl_id, l.warehouse_id, l.company_id,
       %(new)s, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
  FROM changed n
  JOIN product_product p ON p.id = n.product_id
  JOIN stock_location l ON l.id = n.scope_id
ON CONFLICT (product_id, location_id) DO UPDATE
   SET (%(columns)s, changed_at, write_uid, write_date)
     = (%(excluded)s, EXCLUDED.changed_at, EXCLUDED.write_uid, EXCLUDED.write_date)
RETURNING s.id""",
            evaluated=evaluated,
            stale=SQL(" AND ").join(stale),
            stored=SQL(", ").join(
                SQL("%s AS %s", expression, SQL.identifier(name))
                for name, expression in self._get_stored_expressions().items()
            ),
            columns=SQL(", ").join(map(SQL.identifier, STORED_COLUMNS)),
            current=SQL(", ").join(SQL.identifier("s", n) for n in STORED_COLUMNS),
            new=SQL(", ").join(SQL.identifier("n", n) for n in STORED_COLUMNS),
            excluded=SQL(", ").join(
                SQL.identifier("excluded", n) for n in STORED_COLUMNS
            ),
            now=now,
            uid=self.env.uid,
        )

    def _get_stored_expressions(self):
        """``{column: SQL expression over the evaluated row "e"}``. Figures
        derived from the usage are stored to a fixed precision, so that
        float noise never counts as a change."""

        def fixed(name, factor):
            return SQL("ROUND(%s * %s) / %s", SQL.identifier("e", name), factor, factor)

        expressions = {
            name: SQL.identifier("e", name)
            for name in STORED_COLUMNS
            if name in STORED_FIGURES
            or name in ("rule_id", "status", "projected_stockout", "dead_stock")
        }
        expressions.update(
            status_priority=SQL(
                "CASE e.status %s END",
                SQL(" ").join(
                    SQL("WHEN %s THEN %s", code, priority)
                    for code, priority in STATUS_PRIORITY.items()
                ),
            ),
            to_reorder=SQL("e.forecast < e.min_qty"),
            daily_usage=fixed("daily_usage", 1e6),
            days_of_cover=fixed("days_of_cover", 1e4),
            has_usage=SQL("e.days_of_cover IS NOT NULL"),
            min_qty=fixed("min_qty", 1e4),
            safety_qty=fixed("safety_qty", 1e4),
            max_qty=fixed("max_qty", 1e4),
        )
        return {name: expressions[name] for name in STORED_COLUMNS}
