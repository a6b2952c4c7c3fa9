import xmlrpc.client

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ReorderCommon


@tagged("post_install", "-at_install")
class TestSecurity(ReorderCommon):
    """Thresholds users read proposals, purchase users order; results
    travel over XML-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_rule()
        cls.threshold_user = new_test_user(
            cls.env,
            "reorder_viewer",
            groups="base.group_user,stock_threshold.group_threshold_user",
        )
        cls.buyer = new_test_user(
            cls.env,
            "reorder_buyer",
            groups="stock.group_stock_user,purchase.group_purchase_user",
        )
        cls.outsider = new_test_user(
            cls.env, "reorder_outsider", groups="base.group_user"
        )

    def test_threshold_user_reads_but_cannot_order(self):
        Rule = self.Rule.with_user(self.threshold_user)
        self.assertEqual(len(Rule.get_reorder_proposals(self.wh_a.ids)), 1)
        with self.assertRaises(AccessError):
            Rule.run_reordering(self.wh_a.ids, dry_run=True)
        with self.assertRaises(AccessError):
            Rule.run_reordering(self.wh_a.ids)

    def test_outsider_cannot_read(self):
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.outsider).get_reorder_proposals(self.wh_a.ids)

    def test_buyer_orders(self):
        Rule = self.Rule.with_user(self.buyer)
        summary = Rule.run_reordering(self.wh_a.ids, dry_run=True)
        self.assertEqual(summary["lines_created"], 1)
        self.assertEqual(Rule.run_reordering(self.wh_a.ids)["lines_created"], 1)

    def test_results_are_xmlrpc_serialisable(self):
        """No None, no datetime objects: both return values marshal."""
        proposals = self.Rule.get_reorder_proposals(self.wh_a.ids)
        self.assertIsInstance(proposals[0]["date_planned"], str)
        summary = self.Rule.run_reordering(self.wh_a.ids)
        xmlrpc.client.dumps((proposals, summary), allow_none=False)

    def test_other_company_is_invisible(self):
        """A buyer of another company neither sees this company's budgets nor
        gets proposals for its warehouses, even when asking by id."""
        self.env["stock.threshold.budget"].create(
            {
                "warehouse_id": self.wh_a.id,
                "categ_id": self.categ_parent.id,
                "amount": 100,
            }
        )
        other = self.env["res.company"].create({"name": "Reorder Other Co"})
        foreign = new_test_user(
            self.env,
            "reorder_foreign",
            groups="stock.group_stock_user,purchase.group_purchase_user",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        env = self.env(user=foreign)
        self.assertFalse(env["stock.threshold.budget"].search([]))
        Rule = env["stock.threshold.rule"]
        self.assertEqual(Rule.get_reorder_proposals(warehouse_ids=self.wh_a.ids), [])
        summary = Rule.run_reordering(warehouse_ids=self.wh_a.ids)
        self.assertEqual(summary["purchase_order_ids"], [])
