from datetime import datetime, time

from odoo import api, fields, models
from odoo.tools import date_utils

from .stock_position import RFQ_STATES


class StockThresholdBudget(models.Model):
    """Monthly purchase budget of a product category in a warehouse.

    Threshold reordering ranks the proposals of the category (its children
    included) in the warehouse by days of cover, worst first, and cuts those
    beyond what is left of the month's budget: confirmed purchases of the
    month and open requests for quotation count as spent.
    """

    _name = "stock.threshold.budget"
    _description = "Reordering Budget"
    _check_company_auto = True
    _order = "warehouse_id, categ_id"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    warehouse_id = fields.Many2one("stock.warehouse", required=True, check_company=True)
    categ_id = fields.Many2one(
        "product.category", string="Product Category", required=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(string="Monthly Budget", required=True)
    spent = fields.Monetary(
        compute="_compute_spent", help="Confirmed this month, plus open RFQs."
    )

    _sql_constraints = [
        (
            "warehouse_categ_uniq",
            "unique(warehouse_id, categ_id)",
            "A category has one budget per warehouse.",
        ),
        ("amount_positive", "CHECK(amount >= 0)", "A budget cannot be negative."),
    ]

    @api.depends("warehouse_id", "categ_id", "amount")
    def _compute_spent(self):
        spent = self._get_spent()
        for budget in self:
            budget.spent = spent.get(budget.id, 0.0)

    @api.depends("warehouse_id", "categ_id")
    def _compute_display_name(self):
        for budget in self:
            categ = budget.categ_id.complete_name or ""
            budget.display_name = f"{categ} @ {budget.warehouse_id.name or ''}"

    @api.model
    def _apply_to_proposals(self, proposals, products):
        """Return ``(kept, cut)``: the reordering proposals under a monthly
        budget are ranked by days of cover, worst first, and those beyond
        what is left of their budget are cut (skipped, with the reason)."""
        budgets = self.search(
            [
                ("company_id", "=", self.env.company.id),
                ("warehouse_id", "in", list({p["warehouse_id"] for p in proposals})),
            ]
        )
        if not budgets:
            return proposals, []
        spent = budgets._get_spent()
        remaining = {budget.id: budget.amount - spent[budget.id] for budget in budgets}
        kept, cut = [], []
        for proposal in sorted(proposals, key=self._get_proposal_rank):
            product = products[proposal["product_id"]]
            budget = budgets._get_budget_of(proposal["warehouse_id"], product)
            if budget:
                budget._charge(proposal, remaining)
            (cut if proposal["skipped_reason"] else kept).append(proposal)
        return kept, cut

    @api.model
    def _get_proposal_rank(self, proposal):
        """Worst days of cover first; products without usage last."""
        cover = proposal["days_of_cover"]
        return (cover is None, cover or 0.0)

    def _get_budget_of(self, warehouse_id, product):
        """Among ``self``, the budget of the warehouse whose category is the
        most specific one containing the product's category."""
        path = product.categ_id.parent_path or ""
        matching = self.filtered(
            lambda b: (
                b.warehouse_id.id == warehouse_id
                and path.startswith(b.categ_id.parent_path)
            )
        )
        return matching.sorted(lambda b: len(b.categ_id.parent_path))[-1:]

    def _charge(self, proposal, remaining):
        """Charge a proposal to what is left of the budget, or cut it."""
        self.ensure_one()
        currency = self.currency_id
        proposal["budget_id"] = self.id
        if currency.compare_amounts(proposal["amount"], remaining[self.id]) > 0:
            proposal["skipped_reason"] = self.env._(
                "Budget: %(amount)s is more than the %(left)s left this month "
                "in %(budget)s.",
                amount=proposal["amount"],
                left=currency.round(max(remaining[self.id], 0.0)),
                budget=self.display_name,
            )
            return
        remaining[self.id] -= proposal["amount"]
        proposal["budget_remaining"] = currency.round(remaining[self.id])

    def _get_spent(self, date=None):
        """``{budget_id: amount}``: untaxed amounts, in the company's currency,
        of the purchase lines of the budgets' categories received by their
        warehouses, confirmed in the month of ``date`` or still RFQs. One
        grouped read per budget."""
        month_start = date_utils.start_of(
            date or fields.Date.context_today(self), "month"
        )
        since = datetime.combine(month_start, time.min)
        Line = self.env["purchase.order.line"]
        result = {}
        for budget in self:  # one grouped read per budget, budgets are few
            groups = Line._read_group(
                [
                    ("display_type", "=", False),
                    ("product_id.categ_id", "child_of", budget.categ_id.id),
                    (
                        "order_id.picking_type_id.warehouse_id",
                        "=",
                        budget.warehouse_id.id,
                    ),
                    ("company_id", "=", budget.company_id.id),
                    "|",
                    ("order_id.state", "in", RFQ_STATES),
                    "&",
                    ("order_id.state", "in", ("purchase", "done")),
                    ("order_id.date_approve", ">=", since),
                ],
                ["currency_id"],
                ["price_subtotal:sum"],
            )
            result[budget.id] = sum(
                currency._convert(
                    amount, budget.currency_id, budget.company_id, month_start
                )
                for currency, amount in groups
            )
        return result
