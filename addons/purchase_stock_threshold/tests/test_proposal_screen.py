from odoo.tests import tagged

from .common import ReorderCommon


@tagged("post_install", "-at_install")
class TestProposalScreen(ReorderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product_3 = cls._create_product("Reorder No Vendor", cls.categ_parent)
        cls._create_rule(
            product_scope="category", product_id=False, categ_id=cls.categ_parent.id
        )
        cls.Proposal = cls.env["stock.threshold.reorder.proposal"]

    def _open(self):
        action = self.Proposal.action_open(self.wh_a.ids)
        return self.Proposal.search(action["domain"])

    def test_screen_lists_proposals_and_skipped(self):
        proposals = self._open()
        by_product = {p.product_id: p for p in proposals}
        self.assertEqual(
            set(by_product), {self.product, self.product_2, self.product_3}
        )
        line = by_product[self.product]
        self.assertEqual(line.vendor_id, self.vendor)
        self.assertEqual(line.quantity, 100)
        self.assertEqual(line.amount, 1000)
        self.assertEqual(line.reason, "out_of_stock")
        self.assertIn("target 100", line.explanation)
        self.assertFalse(line.skipped_reason)
        self.assertIn("No vendor", by_product[self.product_3].skipped_reason)

    def test_dry_run_writes_nothing(self):
        proposals = self._open()
        result = proposals.action_dry_run()
        self.assertIn("2 lines to create", result["params"]["message"])
        self.assertFalse(self._lines(self.product))

    def test_order_selected(self):
        proposals = self._open()
        proposals.filtered(
            lambda p: p.product_id == self.product
        ).action_order_selected()
        self.assertEqual(self._lines(self.product).product_qty, 100)
        self.assertFalse(self._lines(self.product_2))
        # Ordering again from the stale screen orders nothing twice.
        proposals.action_order_selected()
        self.assertEqual(self._lines(self.product).product_qty, 100)
        self.assertEqual(self._lines(self.product_2).product_qty, 100)

    def test_menu_action_opens_screen(self):
        """The menu's server action computes the proposals and opens them in
        the list view (with its Order Selected and Dry Run buttons)."""
        server_action = self.env.ref(
            "purchase_stock_threshold.stock_threshold_reorder_proposal_action_open"
        )
        action = server_action.run()
        self.assertEqual(action["res_model"], "stock.threshold.reorder.proposal")
        records = self.Proposal.search(action["domain"])
        self.assertIn(self.product, records.product_id)
        arch = self.Proposal.get_views([(False, "list")])["views"]["list"]["arch"]
        self.assertIn("action_order_selected", arch)
        self.assertIn("action_dry_run", arch)
