from freezegun import freeze_time

from odoo.tests import tagged

from .common import ReorderCommon


@tagged("post_install", "-at_install")
class TestBudgetAndOrderDays(ReorderCommon):
    """Monthly budgets cut the least urgent proposals; vendors' order days."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # product: 2 days of cover (10 used over 30 days, 0.67 left);
        # product_2: no usage. Both out of stock in A: 100 x 10, 100 x 4.
        cls._add_stock(cls.product, cls.wh_a.lot_stock_id, 10.67)
        cls._deliver(cls.wh_a, [(cls.product, 10, None)])
        cls._create_rule(
            product_scope="category", product_id=False, categ_id=cls.categ_parent.id
        )
        cls.Budget = cls.env["stock.threshold.budget"]

    def _budget(self, amount, categ=None):
        return self.Budget.create(
            {
                "warehouse_id": self.wh_a.id,
                "categ_id": (categ or self.categ_parent).id,
                "amount": amount,
            }
        )

    def _skipped_reasons(self, summary):
        return {s["product_id"]: s["reason"] for s in summary["skipped"]}

    def test_budget_cuts_least_urgent(self):
        """1,200 cover the product with 2 days of cover (993.30), not the
        product without usage (400)."""
        self._budget(1200)
        proposals = self.Rule.get_reorder_proposals(self.wh_a.ids)
        self.assertEqual([p["product_id"] for p in proposals], self.product.ids)
        summary = self._run(self.wh_a, dry_run=True)
        self.assertIn("Budget", self._skipped_reasons(summary)[self.product_2.id])

    def test_budget_counts_spent_this_month(self):
        budget = self._budget(1300)
        self._run(self.wh_a, self.product)
        self.assertEqual(budget.spent, 993.3)
        summary = self._run(self.wh_a, dry_run=True)
        self.assertIn("Budget", self._skipped_reasons(summary)[self.product_2.id])

    def test_most_specific_budget_applies(self):
        """product is in the child category: its own budget is enough."""
        self._budget(0)
        self._budget(5000, self.categ_child)
        proposals = self.Rule.get_reorder_proposals(self.wh_a.ids)
        self.assertEqual([p["product_id"] for p in proposals], self.product.ids)

    def test_no_budget_no_cut(self):
        self.assertEqual(len(self.Rule.get_reorder_proposals(self.wh_a.ids)), 2)

    @freeze_time("2026-11-24 10:00:00")  # a Tuesday
    def test_vendor_order_days(self):
        days = self.env["purchase.order.day"]
        self.vendor.purchase_order_day_ids = days.search([("weekday", "in", (0, 3))])
        summary = self._run(self.wh_a, dry_run=True)
        self.assertEqual(summary["lines_created"], 0)
        self.assertIn("Not an order day", summary["skipped"][0]["reason"])
        self.vendor.purchase_order_day_ids |= days.search([("weekday", "=", 1)])
        self.assertEqual(self._run(self.wh_a, dry_run=True)["lines_created"], 2)
