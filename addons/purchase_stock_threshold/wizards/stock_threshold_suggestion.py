from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, float_round

from ..tools.suggestion import suggest_levels, usage_statistics


class StockThresholdSuggestion(models.TransientModel):
    """Suggested safety stock, minimum and maximum of a product in a
    warehouse, with the inputs they come from: the daily usage (mean and
    deviation) over the usage window, the vendor's and the measured lead
    time, the governing rule's service level and order cycle."""

    _name = "stock.threshold.suggestion"
    _description = "Threshold Suggestion"
    _order = "warehouse_id, product_id"

    product_id = fields.Many2one("product.product", required=True, readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", required=True, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    rule_id = fields.Many2one("stock.threshold.rule", readonly=True)
    usage_days = fields.Integer(string="Window (days)", readonly=True)
    mean_usage = fields.Float(string="Daily Usage", readonly=True, digits=(16, 3))
    sigma_usage = fields.Float(string="Deviation", readonly=True, digits=(16, 3))
    vendor_lead_days = fields.Float(string="Vendor Lead Time", readonly=True)
    measured_lead_days = fields.Float(
        string="Measured Lead Time",
        readonly=True,
        digits=(16, 1),
        help="Average days from purchase confirmation to receipt.",
    )
    lead_days = fields.Float(string="Lead Time Used", readonly=True, digits=(16, 1))
    service_level = fields.Float(readonly=True)
    z_score = fields.Float(string="z", readonly=True, digits=(16, 3))
    safety_qty = fields.Float(string="Suggested Safety", readonly=True, digits=(16, 2))
    min_qty = fields.Float(string="Suggested Minimum", readonly=True, digits=(16, 2))
    max_qty = fields.Float(string="Suggested Maximum", readonly=True, digits=(16, 2))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    @api.model
    def action_open(self, warehouse_ids=None):
        """Compute the suggestions of the governed products now and open
        them."""
        self.env["stock.threshold.rule"]._check_reorder_access(write=False)
        records = self.create(self._get_suggestions(warehouse_ids))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "purchase_stock_threshold.stock_threshold_suggestion_action"
        )
        action["domain"] = [("id", "in", records.ids)]
        return action

    def action_apply(self):
        """Write the suggested levels on the product's own rule in the
        warehouse, creating it from the governing rule when that one covers
        more products."""
        self.env["stock.threshold.rule"].check_access("write")
        for suggestion in self:
            rule = suggestion._get_product_rule()
            rule.write(suggestion._prepare_levels(rule))
        return True

    # ------------------------------------------------------------------
    # Computation
    # ------------------------------------------------------------------
    @api.model
    def _get_suggestions(self, warehouse_ids=None, product_ids=None):
        """Values of the suggestions of the pairs governed at warehouse
        level, company by company: each with its own usage window."""
        warehouses = self.env["stock.threshold.reorder"]._get_warehouses(warehouse_ids)
        suggestions = []
        for company, company_warehouses in warehouses.grouped("company_id").items():
            wizard = self.with_company(company).with_context(
                allowed_company_ids=company.ids
            )
            suggestions += wizard._get_company_suggestions(
                company_warehouses, product_ids
            )
        return suggestions

    def _get_company_suggestions(self, warehouses, product_ids):
        """Suggestions of one company's warehouses (the environment's): one
        governing rules query, one usage query, one lead time query."""
        by_scope = {wh.view_location_id.id: wh for wh in warehouses}
        pairs = self._read_governed_pairs(list(by_scope), product_ids)
        if not pairs:
            return []
        product_ids = list({product_id for product_id, _s, _r in pairs})
        days = self.env["stock.position"]._get_usage_days()
        inputs = {
            "days": days,
            "usage": self._read_usage(product_ids, list(by_scope), days),
            "delays": self._read_receipt_delays(product_ids, list(by_scope), days),
            "products": self.env["stock.threshold.reorder"]._prefetch_products(
                product_ids
            ),
            "rules": {
                rule.id: rule
                for rule in self.env["stock.threshold.rule"].browse(
                    {rule_id for _p, _s, rule_id in pairs}
                )
            },
        }
        return [
            self._prepare_suggestion(pair, by_scope[pair[1]], inputs) for pair in pairs
        ]

    def _read_governed_pairs(self, scope_ids, product_ids):
        """``[(product_id, scope_id, rule_id)]`` of the products whose
        governing rule is scoped on the scope location itself."""
        Rule = self.env["stock.threshold.rule"]
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT product_id, location_id, rule_id FROM (%s) governing",
                Rule._governing_rules_query(
                    product_ids, scope_ids, own_scope_only=True
                ),
            )
        )
        return self.env.cr.fetchall()

    def _read_usage(self, product_ids, scope_ids, days):
        """``{(product_id, scope_id): (total, sum of squares)}`` of the daily
        usage over the window: the usage moves of the positions (see
        ``stock.position._usage_moves_query``) summed per day."""
        Position = self.env["stock.position"]
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
WITH %(scopes)s, daily AS (
    SELECT product_id, scope_id, date_trunc('day', date) AS day,
           SUM(quantity) AS qty
      FROM (%(moves)s) m
     GROUP BY product_id, scope_id, day
)
SELECT product_id, scope_id, SUM(qty), SUM(qty * qty) FROM daily
 GROUP BY product_id, scope_id""",
                scopes=Position._scope_ctes(scope_ids),
                moves=Position._usage_moves_query(
                    now - timedelta(days=days), now, product_ids
                ),
            )
        )
        return {
            (p, s): (total, squares) for p, s, total, squares in self.env.cr.fetchall()
        }

    def _read_receipt_delays(self, product_ids, scope_ids, days):
        """``{(product_id, scope_id): days}``: average time from purchase
        confirmation to receipt of the receipts done in the window."""
        self.env.cr.execute(
            SQL(
                """
SELECT m.product_id, s.id,
       AVG(EXTRACT(EPOCH FROM (m.date - o.date_approve)) / 86400)::float8
  FROM stock_move m
  JOIN purchase_order_line l ON l.id = m.purchase_line_id
  JOIN purchase_order o ON o.id = l.order_id
  JOIN stock_location d ON d.id = m.location_dest_id
  JOIN stock_location s ON s.id = ANY(%(scopes)s)
       AND starts_with(d.parent_path, s.parent_path)
 WHERE m.state = 'done' AND o.date_approve IS NOT NULL
   AND m.date >= %(since)s AND m.product_id = ANY(%(products)s)
 GROUP BY m.product_id, s.id""",
                scopes=scope_ids,
                products=product_ids,
                since=fields.Datetime.now() - timedelta(days=days),
            )
        )
        return {(p, s): delay for p, s, delay in self.env.cr.fetchall()}

    def _prepare_suggestion(self, pair, warehouse, inputs):
        """Values of the suggestion of one pair from the inputs read for all
        pairs (``days``, ``usage``, ``delays``, ``products``, ``rules``)."""
        product_id, scope_id, rule_id = pair
        days, usage, delays = inputs["days"], inputs["usage"], inputs["delays"]
        product = inputs["products"][product_id]
        rule = inputs["rules"][rule_id]
        mean, sigma = usage_statistics(*usage.get((product_id, scope_id), (0, 0)), days)
        seller = product.with_company(warehouse.company_id)._select_seller(
            quantity=None
        )
        measured = delays.get((product_id, scope_id), 0.0)
        lead_days = measured or seller.delay
        levels = suggest_levels(
            mean,
            sigma,
            lead_days,
            rule.suggestion_service_level,
            rule.suggestion_cycle_days,
        )
        return {
            "product_id": product_id,
            "warehouse_id": warehouse.id,
            "company_id": warehouse.company_id.id,
            "rule_id": rule_id,
            "usage_days": days,
            "mean_usage": mean,
            "sigma_usage": sigma,
            "vendor_lead_days": seller.delay,
            "measured_lead_days": measured,
            "lead_days": lead_days,
            "service_level": rule.suggestion_service_level,
            "z_score": levels["z"],
            "safety_qty": levels["safety"],
            "min_qty": levels["minimum"],
            "max_qty": levels["maximum"],
        }

    def _get_product_rule(self):
        """The rule of the product itself in the warehouse: the governing
        rule when it is one, else a copy of it for the product."""
        self.ensure_one()
        rule = self.rule_id
        if rule.product_scope == "product" and rule.warehouse_id == self.warehouse_id:
            return rule
        return rule.copy(
            {
                "name": False,
                "scope_type": "warehouse",
                "warehouse_id": self.warehouse_id.id,
                "location_id": False,
                "product_scope": "product",
                "product_id": self.product_id.id,
                "categ_id": False,
            }
        )

    def _prepare_levels(self, rule):
        """The suggested levels in the rule's unit (quantities, or days of
        cover at the mean usage), rounded to the product's unit."""
        factor = 1.0
        if rule.threshold_type == "days":
            factor = 1.0 / self.mean_usage if self.mean_usage else 0.0
        rounding = self.product_id.uom_id.rounding
        return {
            name: float_round(quantity * factor, precision_rounding=rounding)
            for name, quantity in (
                ("safety_value", self.safety_qty),
                ("min_value", self.min_qty),
                ("max_value", self.max_qty),
            )
        }
