import logging
from collections import defaultdict

from psycopg2.extras import execute_values

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..tools.status import STATUS_SELECTION
from .stock_position import FIGURES

_logger = logging.getLogger(__name__)

STATUS_PRIORITY = {code: index for index, (code, _label) in enumerate(STATUS_SELECTION)}
# Draft RFQ quantities are read live through the position hook, not stored.
STORED_FIGURES = tuple(name for name in FIGURES if name != "draft_ordered")


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
    uom_id = fields.Many2one(related="product_id.uom_id")
    evaluated_at = fields.Datetime(readonly=True)
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
                "message": self.env._("%(count)s statuses evaluated.", count=count),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------------
    # Evaluation
    # ------------------------------------------------------------------
    @api.model
    def _cron_evaluate(self):
        """Scheduled full evaluation, reporting its progress per company."""
        self._evaluate_all(cron=self.env["ir.cron"])

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
        products, every rule scope). Returns the number of pairs written.
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
        """Evaluation for the one company of the environment."""
        scopes = self._get_rule_scopes(location_ids)
        governing = self.env["stock.threshold.rule"]._get_governing_rules(
            product_ids, scopes, own_scope_only=True
        )
        Position = self.env["stock.position"]
        positions = Position._read_positions(scopes, product_ids, extra_keys=governing)
        for key in positions.keys() - governing.keys():
            del positions[key]
        Position._add_rules_and_status(positions)
        self._write_statuses(positions)
        self._delete_stale(governing, product_ids, location_ids)
        return len(positions)

    def _get_rule_scopes(self, location_ids=None):
        """Scope locations of the active rules of the allowed companies."""
        domain = [("company_id", "in", self.env.companies.ids)]
        if location_ids is not None:
            domain.append(("scope_location_id", "in", list(location_ids)))
        groups = self.env["stock.threshold.rule"]._read_group(
            domain, ["scope_location_id"]
        )
        return [location.id for (location,) in groups]

    def _write_statuses(self, positions):
        """Upsert the evaluated rows in one batched statement."""
        if not positions:
            return
        now = fields.Datetime.now()
        uid = self.env.uid
        rows = []
        for (product_id, location_id), pos in positions.items():
            levels = pos.get("levels")
            rows.append(
                (
                    product_id,
                    location_id,
                    pos["rule_id"] or None,
                    pos["status"],
                    STATUS_PRIORITY[pos["status"]],
                    bool(levels and pos["forecast"] < levels.min_qty),
                    *(pos[name] for name in STORED_FIGURES),
                    pos["days_of_cover"],
                    pos["days_of_cover"] is not None,
                    levels.min_qty if levels else 0.0,
                    levels.safety_qty if levels else 0.0,
                    levels.max_qty if levels else 0.0,
                    now,
                    uid,
                )
            )
        figures = ", ".join(STORED_FIGURES)
        columns = (
            "product_id, location_id, rule_id, status, status_priority, to_reorder, "
            f"{figures}, days_of_cover, has_usage, min_qty, safety_qty, max_qty, "
            "evaluated_at, write_uid"
        )
        updates = ", ".join(
            f"{column} = EXCLUDED.{column}"
            for column in columns.replace(" ", "").split(",")
            if column not in ("product_id", "location_id")
        )
        query = f"""
            INSERT INTO stock_threshold_status (
                {columns}, product_tmpl_id, warehouse_id, company_id,
                create_uid, create_date, write_date)
            SELECT v.*, p.product_tmpl_id, l.warehouse_id, l.company_id,
                   v.write_uid, v.evaluated_at, v.evaluated_at
              FROM (VALUES %s) AS v({columns})
              JOIN product_product p ON p.id = v.product_id
              JOIN stock_location l ON l.id = v.location_id
            ON CONFLICT (product_id, location_id) DO UPDATE SET {updates},
                write_date = EXCLUDED.write_date
        """
        template = "(" + ", ".join(["%s"] * 6 + ["%s::float8"] * 10 + ["%s"] * 6) + ")"
        execute_values(self.env.cr._obj, query, rows, template=template, page_size=5000)
        self.invalidate_model()

    def _delete_stale(self, governing, product_ids, location_ids):
        """Remove rows of the evaluated pairs that no rule governs any more."""
        clauses = [SQL("company_id = ANY(%s)", self.env.companies.ids)]
        if product_ids is not None:
            clauses.append(SQL("product_id = ANY(%s)", list(product_ids)))
        if location_ids is not None:
            clauses.append(SQL("location_id = ANY(%s)", list(location_ids)))
        self.env.cr.execute(
            SQL(
                "SELECT id, product_id, location_id "
                "FROM stock_threshold_status WHERE %s",
                SQL(" AND ").join(clauses),
            )
        )
        stale = [
            row[0]
            for row in self.env.cr.fetchall()
            if (row[1], row[2]) not in governing
        ]
        if stale:
            self.env.cr.execute(
                SQL("DELETE FROM stock_threshold_status WHERE id = ANY(%s)", stale)
            )
            self.invalidate_model()
