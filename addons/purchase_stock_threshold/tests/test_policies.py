from odoo.tests import tagged

from .common import ReorderCommon


@tagged("post_install", "-at_install")
class TestPolicies(ReorderCommon):
    """Draft only, confirm under an amount, send by e-mail."""

    def _order(self, summary):
        return self.PurchaseOrder.browse(summary["purchase_order_ids"])

    def test_draft_only(self):
        self._create_rule()
        self.assertEqual(self._order(self._run(self.wh_a)).state, "draft")

    def test_confirm_under_amount(self):
        self._create_rule(reorder_policy="confirm", reorder_confirm_amount=2000)
        summary = self._run(self.wh_a)
        order = self._order(summary)
        self.assertEqual(order.state, "purchase")
        self.assertEqual(order.amount_untaxed, 1000)
        self.assertTrue(summary["picking_ids"])
        self.assertEqual(summary["picking_ids"], order.picking_ids.ids)

    def test_confirm_over_amount_stays_draft(self):
        self._create_rule(reorder_policy="confirm", reorder_confirm_amount=500)
        self.assertEqual(self._order(self._run(self.wh_a)).state, "draft")

    def test_least_automatic_rule_wins(self):
        self._create_rule(reorder_policy="confirm", reorder_confirm_amount=5000)
        self._create_rule(product_id=self.product_2.id, reorder_policy="draft")
        order = self._order(self._run(self.wh_a))
        self.assertEqual(len(order.order_line), 2)
        self.assertEqual(order.state, "draft")

    def test_send_rfq(self):
        self._create_rule(reorder_policy="send")
        order = self._order(self._run(self.wh_a))
        self.assertEqual(order.state, "sent")
        message = order.message_ids.filtered(
            lambda m: self.vendor.partner_share and self.vendor in m.partner_ids
        )
        self.assertTrue(message)

    def test_vendor_policy_caps_rules(self):
        self._create_rule(reorder_policy="confirm", reorder_confirm_amount=5000)
        self.vendor.threshold_reorder_policy = "send"
        self.assertEqual(self._order(self._run(self.wh_a)).state, "sent")

    def test_rules_merged_earlier_count(self):
        """An RFQ holding a draft-only rule's line stays draft when a later
        run adds a line of a confirming rule."""
        self._create_rule()
        first = self._order(self._run(self.wh_a, self.product))
        self._create_rule(
            product_id=self.product_2.id,
            reorder_policy="confirm",
            reorder_confirm_amount=5000,
        )
        second = self._order(self._run(self.wh_a, self.product_2))
        self.assertEqual(second, first)
        self.assertEqual(len(second.order_line), 2)
        self.assertEqual(second.state, "draft")

    def test_rule_no_longer_reordering_ranks_as_draft(self):
        """A line whose rule stopped reordering keeps its RFQ draft."""
        rule = self._create_rule()
        first = self._order(self._run(self.wh_a, self.product))
        rule.reorder_policy = "none"
        self._create_rule(
            product_id=self.product_2.id,
            reorder_policy="confirm",
            reorder_confirm_amount=5000,
        )
        second = self._order(self._run(self.wh_a, self.product_2))
        self.assertEqual(second, first)
        self.assertEqual(second.state, "draft")

    def test_confirm_amount_in_company_currency(self):
        """The vendor bills in a currency worth ten of the company's: the
        1,000 ordered are 100 in the order's currency but 1,000 against the
        rule's 500 in the company's currency."""
        currency = self.env["res.currency"].create(
            {"name": "XTC", "symbol": "X", "rounding": 0.01}
        )
        self.env["res.currency.rate"].create(
            {
                "currency_id": currency.id,
                "rate": 0.1,
                "name": "2000-01-01",
                "company_id": self.env.company.id,
            }
        )
        self.vendor.property_purchase_currency_id = currency
        self._create_rule(reorder_policy="confirm", reorder_confirm_amount=500)
        order = self._order(self._run(self.wh_a))
        self.assertEqual(order.currency_id, currency)
        self.assertEqual(order.amount_untaxed, 100)
        self.assertEqual(order.state, "draft")
