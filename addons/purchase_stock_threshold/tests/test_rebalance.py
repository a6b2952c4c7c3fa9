from odoo.tests import tagged

from .common import ReorderCommon


@tagged("post_install", "-at_install")
class TestRebalance(ReorderCommon):
    """B is resupplied from A through the transit location: A's surplus
    above its maximum goes to B before anything is bought."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._add_stock(cls.product, cls.wh_a.lot_stock_id, 150)
        cls._create_rule()  # A: max 100, 50 above it
        cls._create_rule(warehouse_id=cls.wh_b.id)  # B: empty, max 100

    def _by_kind(self):
        proposals = self.Rule.get_reorder_proposals(
            product_ids=self.product.ids, warehouse_ids=self.wh_b.ids
        )
        transfers = [p for p in proposals if p["source_warehouse_id"]]
        purchases = [p for p in proposals if p["vendor_id"]]
        return transfers, purchases

    def test_transfer_before_buying(self):
        transfers, purchases = self._by_kind()
        self.assertEqual(len(transfers), 1)
        self.assertEqual(transfers[0]["source_warehouse_id"], self.wh_a.id)
        self.assertEqual(transfers[0]["quantity"], 50)
        self.assertIn("transferred from Threshold A", transfers[0]["explanation"])
        self.assertEqual(len(purchases), 1)
        self.assertEqual(purchases[0]["quantity"], 50)
        self.assertIn("50.0 of it transferred", purchases[0]["explanation"])

    def test_run_creates_transit_transfer(self):
        summary = self._run(self.wh_b, self.product)
        pickings = self.env["stock.picking"].browse(summary["picking_ids"])
        out = pickings.filtered(lambda p: p.location_id == self.wh_a.lot_stock_id)
        self.assertEqual(out.move_ids.product_uom_qty, 50)
        self.assertEqual(out.location_dest_id.usage, "transit")
        self.assertEqual(self._lines(self.product, self.wh_b).product_qty, 50)
        # The transfer counts as incoming in B, the RFQ as draft: no rerun.
        again = self._run(self.wh_b, self.product)
        self.assertEqual(again["picking_ids"], [])
        self.assertEqual(again["lines_created"] + again["lines_updated"], 0)

    def test_no_surplus_no_transfer(self):
        self.Rule.search([("warehouse_id", "=", self.wh_a.id)]).max_value = 200
        transfers, purchases = self._by_kind()
        self.assertFalse(transfers)
        self.assertEqual(purchases[0]["quantity"], 100)

    def test_surplus_margin(self):
        """With a 20 % margin, A keeps 120 and gives 30."""
        self.env.company.threshold_rebalance_margin = 20
        transfers, purchases = self._by_kind()
        self.assertEqual(transfers[0]["quantity"], 30)
        self.assertEqual(purchases[0]["quantity"], 70)

    def test_rebalancing_off(self):
        self.env.company.threshold_rebalance = "none"
        transfers, purchases = self._by_kind()
        self.assertFalse(transfers)
        self.assertEqual(purchases[0]["quantity"], 100)
