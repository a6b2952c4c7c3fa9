from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools.status import SEVERITY_SELECTION
from .res_company import EMAIL_MODE_SELECTION

# Precedence of the rules matching a product in a location: a more specific
# product scope wins (product, then category, deeper category first, then a
# rule narrowed by an extra product filter, see ``_rule_candidate_filter``),
# then a more specific location; the rule id only makes ties impossible to flip.
PRECEDENCE_ORDER = SQL(
    "rank DESC, categ_depth DESC, filter_rank DESC, location_depth DESC, rule_id DESC"
)


class StockThresholdRule(models.Model):
    """Minimum, safety stock and maximum for a product scope in a location scope.

    Precedence: the most specific product scope wins (product, then the
    deepest category, then all products), then the most specific location
    scope (the deepest location; a warehouse is its view location).
    """

    _name = "stock.threshold.rule"
    _description = "Stock Threshold Rule"
    _inherit = ["mail.thread"]
    _check_company_auto = True
    _order = "company_id, scope_location_id, product_scope, id"

    name = fields.Char(help="Optional description of the rule.")
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    scope_type = fields.Selection(
        [("warehouse", "Warehouse"), ("location", "Location")],
        string="Location Scope",
        required=True,
        default="warehouse",
        tracking=True,
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse", check_company=True, index="btree_not_null", tracking=True
    )
    location_id = fields.Many2one(
        "stock.location",
        domain="[('usage', '=', 'internal')]",
        check_company=True,
        index="btree_not_null",
        tracking=True,
        help="The rule covers this internal location and its children.",
    )
    scope_location_id = fields.Many2one(
        "stock.location",
        compute="_compute_scope_location_id",
        store=True,
        precompute=True,
        index=True,
        help="The warehouse's view location, or the chosen location.",
    )
    product_scope = fields.Selection(
        [
            ("product", "Product"),
            ("category", "Product Category"),
            ("all", "All Storable Products"),
        ],
        required=True,
        default="product",
        tracking=True,
    )
    product_id = fields.Many2one(
        "product.product",
        domain="[('is_storable', '=', True)]",
        check_company=True,
        index="btree_not_null",
        tracking=True,
    )
    categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        index="btree_not_null",
        tracking=True,
    )
    threshold_type = fields.Selection(
        [("quantity", "Quantity"), ("days", "Days of Cover")],
        string="Levels In",
        required=True,
        default="quantity",
        tracking=True,
        help="Quantity: levels in the product's unit of measure. Days of cover: "
        "levels in days of average daily usage.",
    )
    min_value = fields.Float(
        string="Minimum", digits="Product Unit of Measure", tracking=True
    )
    safety_value = fields.Float(
        string="Safety Stock", digits="Product Unit of Measure", tracking=True
    )
    max_value = fields.Float(
        string="Maximum",
        digits="Product Unit of Measure",
        tracking=True,
        help="Above this level the product is overstocked; 0 means no maximum.",
    )
    lead_days = fields.Integer(
        string="Lead Time (days)",
        help="Incoming quantities within this many days count in the days of "
        "cover, and the forecast at this horizon tells a projected stock-out; "
        "0 uses the company's default.",
    )
    dead_stock_days = fields.Integer(
        string="Dead Stock After (days)",
        tracking=True,
        help="Stock on hand with no outgoing move for this many days is dead "
        "stock; 0 does not watch it.",
    )
    severity = fields.Selection(
        SEVERITY_SELECTION,
        required=True,
        default="medium",
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        domain="[('share', '=', False)]",
        tracking=True,
    )
    alert_channels = fields.Selection(
        [("company", "Company defaults"), ("custom", "Custom")],
        required=True,
        default="company",
        tracking=True,
        help="How the alerts of this rule reach people and systems: as set "
        "in the settings for the company, or as set here.",
    )
    alert_activity = fields.Boolean(string="Activity", default=True)
    alert_email = fields.Selection(
        EMAIL_MODE_SELECTION, string="E-mail", required=True, default="digest"
    )
    alert_bus = fields.Boolean(string="Live Notice", default=True)
    alert_webhook = fields.Boolean(string="Webhooks", default=True)
    status_ids = fields.One2many("stock.threshold.status", "rule_id", string="Statuses")
    attention_count = fields.Integer(compute="_compute_attention_count")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("scope_type", "warehouse_id.view_location_id", "location_id")
    def _compute_scope_location_id(self):
        for rule in self:
            if rule.scope_type == "warehouse":
                rule.scope_location_id = rule.warehouse_id.view_location_id
            else:
                rule.scope_location_id = rule.location_id

    @api.depends("product_scope", "product_id", "categ_id", "scope_location_id")
    def _compute_display_name(self):
        for rule in self:
            if rule.product_scope == "product":
                target = rule.product_id.display_name
            elif rule.product_scope == "category":
                target = rule.categ_id.complete_name
            else:
                target = self.env._("All products")
            where = rule.warehouse_id.name or rule.location_id.complete_name
            rule.display_name = rule.name or f"{target or ''} @ {where or ''}"

    @api.depends("status_ids.status")
    def _compute_attention_count(self):
        groups = self.env["stock.threshold.status"]._read_group(
            [("rule_id", "in", self.ids), ("status", "not in", ("ok", "none"))],
            ["rule_id"],
            ["__count"],
        )
        counts = {rule.id: count for rule, count in groups}
        for rule in self:
            rule.attention_count = counts.get(rule.id, 0)

    # ------------------------------------------------------------------
    # Constraints and onchanges
    # ------------------------------------------------------------------
    @api.constrains(
        "min_value", "safety_value", "max_value", "lead_days", "dead_stock_days"
    )
    def _check_levels(self):
        for rule in self:
            if (
                min(
                    rule.min_value,
                    rule.safety_value,
                    rule.max_value,
                    rule.lead_days,
                    rule.dead_stock_days,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: levels and lead time cannot be negative.",
                        rule=rule.display_name,
                    )
                )
            if rule.max_value and rule.min_value > rule.max_value:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: the minimum (%(min)s) is above the "
                        "maximum (%(max)s).",
                        rule=rule.display_name,
                        min=rule.min_value,
                        max=rule.max_value,
                    )
                )
            if rule.safety_value > rule.min_value:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: the safety stock (%(safety)s) is above the "
                        "minimum (%(min)s).",
                        rule=rule.display_name,
                        safety=rule.safety_value,
                        min=rule.min_value,
                    )
                )

    @api.constrains("scope_type", "warehouse_id", "location_id", "company_id")
    def _check_location_scope(self):
        for rule in self:
            if rule.scope_type == "warehouse" and not rule.warehouse_id:
                raise ValidationError(self.env._("Choose the warehouse of the rule."))
            if rule.scope_type == "location":
                if not rule.location_id:
                    raise ValidationError(
                        self.env._("Choose the location of the rule.")
                    )
                if rule.location_id.usage != "internal":
                    raise ValidationError(
                        self.env._(
                            "%(location)s is not an internal location: thresholds "
                            "apply to internal locations only.",
                            location=rule.location_id.complete_name,
                        )
                    )
                if rule.location_id.company_id != rule.company_id:
                    raise ValidationError(
                        self.env._(
                            "The location %(location)s belongs to another company.",
                            location=rule.location_id.complete_name,
                        )
                    )

    @api.constrains("product_scope", "product_id", "categ_id", "company_id")
    def _check_product_scope(self):
        for rule in self:
            if rule.product_scope == "product" and not rule.product_id:
                raise ValidationError(self.env._("Choose the product of the rule."))
            if rule.product_scope == "category" and not rule.categ_id:
                raise ValidationError(
                    self.env._("Choose the product category of the rule.")
                )
            product_company = rule.product_id.company_id
            if product_company and product_company != rule.company_id:
                raise ValidationError(
                    self.env._(
                        "The product %(product)s belongs to another company.",
                        product=rule.product_id.display_name,
                    )
                )

    def _get_scope_fields(self):
        """Fields that make a rule's scope: two active rules equal on all of
        them would tie on precedence."""
        return [
            "company_id",
            "scope_location_id",
            "product_scope",
            "product_id",
            "categ_id",
        ]

    @api.constrains(
        "active",
        "company_id",
        "scope_location_id",
        "product_scope",
        "product_id",
        "categ_id",
    )
    def _check_unique_scope(self):
        """Two active rules with the same product and location scope would tie
        on precedence: refused, so that exactly one rule governs. (A module
        adding a scope field calls this from its own constraint too.)"""
        active = self.filtered("active")
        if not active:
            return
        groups = self.with_context(active_test=True)._read_group(
            [("scope_location_id", "in", active.scope_location_id.ids)],
            self._get_scope_fields(),
            ["id:array_agg"],
        )
        for *_scope, ids in groups:
            if len(ids) > 1 and set(ids) & set(active.ids):
                rules = self.browse(ids)
                raise ValidationError(
                    self.env._(
                        "These rules have the same product and location scope, so "
                        "none would take precedence: %(rules)s.",
                        rules=", ".join(rules.mapped("display_name")),
                    )
                )

    @api.onchange("product_scope")
    def _onchange_product_scope(self):
        if self.product_scope != "product":
            self.product_id = False
        if self.product_scope != "category":
            self.categ_id = False

    @api.onchange("scope_type")
    def _onchange_scope_type(self):
        if self.scope_type == "warehouse":
            self.location_id = False
        else:
            self.warehouse_id = False

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        rules._refresh_statuses()
        return rules

    def write(self, vals):
        scopes_before = self.scope_location_id
        result = super().write(vals)
        if set(vals) & set(self._get_status_fields()):
            self._refresh_statuses(scopes_before)
        return result

    def unlink(self):
        scopes = self.scope_location_id
        result = super().unlink()
        self.env["stock.threshold.status"]._evaluate(location_ids=scopes.ids)
        return result

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_view_statuses(self):
        """Open the statuses governed by the rule."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stock_threshold.stock_threshold_status_action"
        )
        action["domain"] = [("rule_id", "=", self.id)]
        action["context"] = {"search_default_filter_attention": 1}
        return action

    @api.model
    def explain_governing_rule(self, product_id, location_id):
        """Say which rule governs a product in a location, and why.

        Public (RPC): returns ``{"rule_id", "reason", "candidates"}`` where
        candidates lists every rule that matches, best first.
        """
        product = self.env["product.product"].browse(product_id).exists()
        location = self.env["stock.location"].browse(location_id).exists()
        if not product or not location:
            return {
                "rule_id": False,
                "reason": self.env._("Unknown product or location."),
                "candidates": [],
            }
        candidates = self._get_candidate_rules(product, location)
        if not candidates:
            reason = self.env._(
                "No active rule covers %(product)s in %(location)s.",
                product=product.display_name,
                location=location.complete_name,
            )
            return {"rule_id": False, "reason": reason, "candidates": []}
        return {
            "rule_id": candidates[0].id,
            "reason": candidates[0]._get_precedence_reason(product, candidates[1:]),
            "candidates": [
                {
                    "rule_id": rule.id,
                    "name": rule.display_name,
                    "product_scope": rule.product_scope,
                    "scope_location_id": rule.scope_location_id.id,
                }
                for rule in candidates
            ],
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _get_status_fields(self):
        """Fields whose change re-evaluates the statuses of the rule."""
        return [
            "active",
            "scope_type",
            "warehouse_id",
            "location_id",
            "product_scope",
            "product_id",
            "categ_id",
            "threshold_type",
            "min_value",
            "safety_value",
            "max_value",
            "lead_days",
            "dead_stock_days",
            "company_id",
        ]

    def _refresh_statuses(self, extra_scopes=None):
        scopes = self.scope_location_id | (extra_scopes or self.env["stock.location"])
        self.env["stock.threshold.status"]._evaluate(location_ids=scopes.ids)

    def _get_candidate_rules(self, product, location):
        """Rules matching a product and a location, best first: the
        candidates of ``_rule_candidates_query`` in its precedence order, so
        that the explanation and the evaluation can never disagree."""
        company = (location.company_id or self.env.company) & self.env.companies
        self.env.cr.execute(
            SQL(
                "SELECT rule_id FROM (%s) c ORDER BY %s",
                self._rule_candidates_query([product.id], [location.id], company.ids),
                PRECEDENCE_ORDER,
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _get_precedence_reason(self, product, others):
        self.ensure_one()
        scope_label = dict(self._fields["product_scope"].selection)[self.product_scope]
        reason = self.env._(
            "%(rule)s governs %(product)s: its product scope is %(scope)s and it "
            "covers %(location)s.",
            rule=self.display_name,
            product=product.display_name,
            scope=scope_label.lower(),
            location=self.scope_location_id.complete_name,
        )
        if others:
            reason += " " + self.env._(
                "It takes precedence over %(rules)s (a more specific product scope "
                "wins, then a more specific location).",
                rules=", ".join(others.mapped("display_name")),
            )
        return reason

    def _rule_candidates_query(self, product_ids, location_ids, company_ids=None):
        """Every rule matching each product in each location, with the keys
        of the precedence (``PRECEDENCE_ORDER``): the one definition of
        which rules apply where. ``product_ids`` is a list, None (every
        active storable product) or an ``SQL`` subquery returning product
        ids; ``company_ids`` defaults to the environment's companies.
        Columns: ``product_id``, ``location_id``, ``rule_id``,
        ``scope_location_id``, ``rank``, ``categ_depth``, ``filter_rank``,
        ``location_depth`` and the product unit's ``rounding``."""
        extra = self._rule_candidate_filter()
        if product_ids is None:
            product_filter = SQL("p.active AND t.active")
        elif isinstance(product_ids, SQL):
            product_filter = SQL("p.id IN (%s)", product_ids)
        else:
            product_filter = SQL("p.id = ANY(%s)", list(product_ids))
        return SQL(
            """
WITH rule AS (
    SELECT r.id, r.product_scope, r.product_id, r.categ_id, r.company_id,
           r.scope_location_id, l.id AS location_id,
           length(rl.parent_path) AS location_depth%(rule_columns)s
      FROM stock_threshold_rule r
      JOIN stock_location rl ON rl.id = r.scope_location_id
      JOIN stock_location l ON starts_with(l.parent_path, rl.parent_path)
     WHERE r.active AND r.company_id = ANY(%(companies)s) AND l.id = ANY(%(locations)s)
), product AS (
    SELECT p.id, t.categ_id, t.company_id, u.rounding%(product_columns)s
      FROM product_product p JOIN product_template t ON t.id = p.product_tmpl_id
      JOIN uom_uom u ON u.id = t.uom_id
     WHERE t.is_storable AND %(product_filter)s
), candidate AS (
    SELECT p.id AS product_id, r.location_id, r.id AS rule_id, r.scope_location_id,
           3 AS rank, 0 AS categ_depth, 0 AS filter_rank, r.location_depth,
           p.company_id, r.company_id AS rc, p.rounding
      FROM rule r JOIN product p ON p.id = r.product_id
     WHERE r.product_scope = 'product'
    UNION ALL
    SELECT p.id, r.location_id, r.id, r.scope_location_id,
           2, length(rc.parent_path), %(filter_rank)s, r.location_depth,
           p.company_id, r.company_id, p.rounding
      FROM rule r
      JOIN product_category rc ON rc.id = r.categ_id
      JOIN product_category pc ON starts_with(pc.parent_path, rc.parent_path)
      JOIN product p ON p.categ_id = pc.id
     WHERE r.product_scope = 'category' AND %(filter_match)s
    UNION ALL
    SELECT p.id, r.location_id, r.id, r.scope_location_id,
           1, 0, %(filter_rank)s, r.location_depth, p.company_id, r.company_id,
           p.rounding
      FROM rule r CROSS JOIN product p
     WHERE r.product_scope = 'all' AND %(filter_match)s
)
SELECT product_id, location_id, rule_id, scope_location_id, rank, categ_depth,
       filter_rank, location_depth, rounding
  FROM candidate
 WHERE company_id IS NULL OR company_id = rc
""",
            companies=self.env.companies.ids if company_ids is None else company_ids,
            locations=list(location_ids),
            product_filter=product_filter,
            rule_columns=SQL("").join(
                SQL(", %s", column) for column in extra["rule_columns"]
            ),
            product_columns=SQL("").join(
                SQL(", %s", column) for column in extra["product_columns"]
            ),
            filter_match=extra["match"],
            filter_rank=extra["rank"],
        )

    def _rule_candidate_filter(self):
        """Extension point of ``_rule_candidates_query``: an extra product
        filter of category and all-products rules (an ABC class, say), as SQL
        fragments: ``rule_columns`` and ``product_columns`` add columns to
        the ``rule`` CTE (alias ``r``: the ``stock_threshold_rule`` row) and
        the ``product`` CTE (alias ``p``: the ``product_product`` row),
        ``match`` says whether a rule row ``r`` applies to a product row
        ``p`` of those CTEs, and ``rank`` (an integer) how specific the
        rule's filter is: among rules of the same product scope, a higher
        rank takes precedence."""
        return {
            "rule_columns": [],
            "product_columns": [],
            "match": SQL("TRUE"),
            "rank": SQL("0"),
        }

    def _governing_rules_query(self, product_ids, location_ids, own_scope_only):
        """``(product_id, location_id, rule_id, ...)``: the governing rule of
        products in locations by precedence, for the positions query (one
        query for any number of them). With ``own_scope_only``, only pairs
        whose rule is scoped on that very location: those the statuses
        store. ``product_ids`` as in ``_rule_candidates_query``.
        Columns: ``product_id``, ``location_id``, ``rule_id``, then what the
        evaluation needs: the product unit's ``rounding`` and the rule's
        ``threshold_type``, ``min_value``, ``safety_value``, ``max_value``,
        ``lead_days`` and ``dead_stock_days``."""
        return SQL(
            """
WITH winner AS (
    SELECT DISTINCT ON (product_id, location_id)
           product_id, location_id, rule_id, scope_location_id, rounding
      FROM (%(candidates)s) candidate
     ORDER BY product_id, location_id, %(precedence)s
)
SELECT w.product_id, w.location_id, w.rule_id, w.rounding, v.threshold_type,
       v.min_value, v.safety_value, v.max_value, v.lead_days, v.dead_stock_days
  FROM winner w JOIN stock_threshold_rule v ON v.id = w.rule_id
 WHERE NOT %(own_scope_only)s OR w.scope_location_id = w.location_id
""",
            candidates=self._rule_candidates_query(product_ids, location_ids),
            precedence=PRECEDENCE_ORDER,
            own_scope_only=bool(own_scope_only),
        )
