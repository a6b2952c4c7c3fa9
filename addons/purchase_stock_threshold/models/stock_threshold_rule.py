from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import float_compare

from .stock_threshold_reorder import PUBLIC_KEYS


class StockThresholdRule(models.Model):
    _inherit = "stock.threshold.rule"

    reorder_policy = fields.Selection(
        [
            ("none", "No reordering"),
            ("draft", "Draft RFQ"),
            ("send", "Send the RFQ"),
            ("confirm", "Confirm under an amount"),
        ],
        string="Reordering",
        required=True,
        default="draft",
        tracking=True,
        help="What threshold reordering does for the products of this rule: "
        "nothing, prepare draft requests for quotation, send them to the "
        "vendor by e-mail, or confirm them when the order total is within the "
        "amount.",
    )
    reorder_trigger = fields.Selection(
        [("min", "Below minimum"), ("safety", "Below safety stock")],
        string="Reorder When",
        required=True,
        default="min",
        tracking=True,
        help="The level under which the forecast plus draft RFQs triggers an order.",
    )
    reorder_method = fields.Selection(
        [("max", "Up to the maximum"), ("reorder_qty", "Minimum plus quantity")],
        string="Order",
        required=True,
        default="max",
        tracking=True,
        help="Up to the maximum (the minimum when the rule has none), or up to "
        "the minimum plus the reorder quantity.",
    )
    reorder_qty = fields.Float(
        string="Reorder Quantity",
        digits="Product Unit of Measure",
        tracking=True,
        help="Added to the minimum, in the levels' unit (quantity or days).",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    reorder_confirm_amount = fields.Monetary(
        string="Confirm Up To",
        tracking=True,
        help="Reordering RFQs whose total is within this amount are confirmed.",
    )
    suggestion_service_level = fields.Float(
        string="Service Level (%)",
        default=95.0,
        tracking=True,
        help="Target probability of not running out during the lead time: "
        "the suggested safety stock is z x deviation x square root of the lead "
        "time.",
    )
    suggestion_cycle_days = fields.Integer(
        string="Order Cycle (days)",
        default=14,
        help="The suggested maximum covers this many days of usage above the minimum.",
    )
    follow_suggestions = fields.Boolean(
        tracking=True,
        help="A scheduled action writes the suggested levels on this rule "
        "(rules of one product in one warehouse).",
    )
    reorder_date = fields.Datetime(
        string="Last Reordering",
        readonly=True,
        copy=False,
        help="When threshold reordering last ordered for this rule.",
    )

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------
    @api.model
    def get_reorder_proposals(self, warehouse_ids=None, product_ids=None):
        """What reordering would order now (RPC), one dict per line:
        ``product_id``, ``warehouse_id``, ``vendor_id`` (or
        ``source_warehouse_id`` for a transfer), ``quantity`` and ``uom_id``
        (the purchase unit), ``reason`` (the status), ``amount``,
        ``rule_id``, ``alert_id``, ``date_planned``, ``explanation``."""
        self._check_reorder_access(write=False)
        proposals, _skipped = self.env["stock.threshold.reorder"]._get_proposals(
            warehouse_ids, product_ids
        )
        return [self._format_proposal(proposal) for proposal in proposals]

    @api.model
    def run_reordering(self, warehouse_ids=None, product_ids=None, dry_run=False):
        """Create or update the draft RFQs (RPC) and return a summary:
        ``purchase_order_ids``, ``picking_ids`` (of confirmed orders),
        ``lines_created``, ``lines_updated`` and ``skipped`` (``product_id``,
        ``warehouse_id``, ``reason``). With ``dry_run``, the same summary of
        what would be done, nothing written."""
        self._check_reorder_access(write=True)
        return self.env["stock.threshold.reorder"]._run(
            warehouse_ids, product_ids, dry_run=dry_run
        )

    @api.constrains("suggestion_service_level", "suggestion_cycle_days")
    def _check_suggestion_inputs(self):
        for rule in self:
            if not 0 < rule.suggestion_service_level < 100:
                raise ValidationError(
                    self.env._("The service level is a percentage below 100.")
                )
            if rule.suggestion_cycle_days < 0:
                raise ValidationError(self.env._("The order cycle cannot be negative."))

    @api.model
    def _cron_follow_suggestions(self):
        """Write their suggested levels on the rules that follow them (one
        product in one warehouse), warehouse by warehouse."""
        rules = self.search(
            [
                ("follow_suggestions", "=", True),
                ("product_scope", "=", "product"),
                ("scope_type", "=", "warehouse"),
            ]
        )
        Suggestion = self.env["stock.threshold.suggestion"]
        for warehouse, warehouse_rules in rules.grouped("warehouse_id").items():
            values = Suggestion.with_company(warehouse.company_id)._get_suggestions(
                warehouse.ids, warehouse_rules.product_id.ids
            )
            suggestions = Suggestion.create(
                [v for v in values if v["rule_id"] in warehouse_rules.ids]
            )
            suggestions.action_apply()

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _check_reorder_access(self, write):
        """Thresholds users see proposals; ordering, or simulating the orders
        (which reads the RFQs), needs purchase rights."""
        group = (
            "purchase.group_purchase_user"
            if write
            else ("stock_threshold.group_threshold_user")
        )
        if not self.env.user.has_group(group):
            raise AccessError(
                self.env._("You are not allowed to run threshold reordering.")
            )

    def _format_proposal(self, proposal):
        """The public, RPC-serialisable shape of a proposal."""
        result = {key: proposal[key] for key in PUBLIC_KEYS}
        result["date_planned"] = fields.Datetime.to_string(proposal["date_planned"])
        return result

    def _get_reorder_levels(self, row):
        """``(trigger, target)`` of a position row in the product's unit;
        a reorder quantity in days of cover counts the daily usage."""
        self.ensure_one()
        factor = row["daily_usage"] if self.threshold_type == "days" else 1.0
        trigger = (
            row["safety_qty"] if self.reorder_trigger == "safety" else (row["min_qty"])
        )
        if self.reorder_method == "max" and row["max_qty"] > 0:
            return trigger, row["max_qty"]
        return trigger, row["min_qty"] + self.reorder_qty * factor

    def _needs_reorder(self, row):
        """The forecast plus the draft RFQs is below the trigger level and
        short of the target."""
        self.ensure_one()
        trigger, target = self._get_reorder_levels(row)
        available = row["forecast"] + row["draft_ordered"]
        return (
            float_compare(available, trigger, precision_digits=6) < 0
            and float_compare(available, target, precision_digits=6) < 0
        )
