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
