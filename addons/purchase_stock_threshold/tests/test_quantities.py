from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import ReorderCommon


@tagged("post_install", "-at_install")
class TestQuantities(ReorderCommon):
    """What to order: levels, what is already coming, the vendor's terms."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._add_stock(cls.product, cls.wh_a.lot_stock_id, 3)

    def test_up_to_max(self):
        self._create_rule()
        proposal = self._proposal(self.product)
        self.assertEqual(proposal["quantity"], 97)
        self.assertEqual(proposal["vendor_id"], self.vendor.id)
        self.assertEqual(proposal["uom_id"], self.product.uom_po_id.id)
        self.assertEqual(proposal["amount"], 970)
        self.assertEqual(proposal["reason"], "below_safety")
        self.assertIn("target 100", proposal["explanation"])

    def test_min_plus_reorder_quantity(self):
        self._create_rule(reorder_method="reorder_qty", reorder_qty=20)
        self.assertEqual(self._proposal(self.product)["quantity"], 27)

    def test_no_max_orders_up_to_min(self):
        self._create_rule(max_value=0)
        self.assertEqual(self._proposal(self.product)["quantity"], 7)

    def test_above_trigger_orders_nothing(self):
        self._create_rule(reorder_trigger="safety", safety_value=2)
        self.assertFalse(
            self.Rule.get_reorder_proposals(self.wh_a.ids, self.product.ids)
        )

    def test_no_reordering_policy(self):
        self._create_rule(reorder_policy="none")
        self.assertFalse(
            self.Rule.get_reorder_proposals(self.wh_a.ids, self.product.ids)
        )

    def test_on_order_and_in_transit_are_deducted(self):
        self._create_rule()
        self._receipt(self.wh_a, [(self.product, 4, None)])
        transit = self.env.company.internal_transit_location_id
        self._create_picking(
            self.wh_a.in_type_id,
            transit,
            self.wh_a.lot_stock_id,
            [(self.product, 2, None)],
        )
        self.assertEqual(self._proposal(self.product)["quantity"], 91)

    def test_draft_rfq_quantities(self):
        """Draft RFQs fill the position's hook and are deducted; half a
        dozen counts 6 units."""
        self._create_rule()
        order = self.PurchaseOrder.create(
            {
                "partner_id": self.vendor_2.id,
                "picking_type_id": self.wh_a.in_type_id.id,
                "order_line": [
                    fields.Command.create(
                        {
                            "product_id": self.product.id,
                            "product_qty": 0.5,
                            "product_uom": self.dozen.id,
                        }
                    )
                ],
            }
        )
        position = self.env["stock.position"].get_positions(
            product_ids=self.product.ids, warehouse_ids=(self.wh_a | self.wh_b).ids
        )
        drafts = {p["warehouse_id"]: p["draft_ordered"] for p in position}
        self.assertEqual(drafts, {self.wh_a.id: 6, self.wh_b.id: 0})
        self.assertEqual(self._proposal(self.product)["quantity"], 91)
        order.button_cancel()
        self.assertEqual(self._proposal(self.product)["quantity"], 97)

    def test_vendor_minimum(self):
        self.product.seller_ids.min_qty = 150
        self._create_rule()
        proposal = self._proposal(self.product)
        self.assertEqual(proposal["quantity"], 150)
        self.assertIn("vendor minimum", proposal["explanation"])

    def test_vendor_choice_follows_quantity(self):
        """Odoo's seller choice: the cheaper vendor once its minimum is
        reached, else the one that sells the quantity."""
        self._add_seller(self.product, self.vendor_2, price=8, min_qty=50)
        rule = self._create_rule()
        self.assertEqual(self._proposal(self.product)["vendor_id"], self.vendor_2.id)
        rule.max_value = 40
        self.assertEqual(self._proposal(self.product)["vendor_id"], self.vendor.id)

    def test_packaging_multiples(self):
        self.env["product.packaging"].create(
            {"name": "Box of 12", "product_id": self.product.id, "qty": 12}
        )
        self._create_rule()
        proposal = self._proposal(self.product)
        self.assertEqual(proposal["quantity"], 108)
        self.assertIn("Box of 12", proposal["explanation"])

    def test_purchase_unit_exact_rounding(self):
        """36 units are 3 dozens exactly, not 3.01 nor 4 boxes of a dozen
        (units to dozens is inexact in floating point)."""
        self.product.uom_po_id = self.dozen
        self.env["product.packaging"].create(
            {"name": "Dozen box", "product_id": self.product.id, "qty": 12}
        )
        self._create_rule(max_value=39)
        proposal = self._proposal(self.product)
        self.assertEqual(proposal["quantity"], 3)
        self.assertEqual(proposal["uom_id"], self.dozen.id)
        self.assertEqual(proposal["amount"], 30)

    def test_purchase_unit_rounds_up(self):
        """97 units are 8.09 dozens (the unit's rounding, upwards)."""
        self.product.uom_po_id = self.dozen
        self._create_rule()
        self.assertEqual(self._proposal(self.product)["quantity"], 8.09)

    def test_planned_date_from_lead_times(self):
        """Vendor lead time + purchase security lead time + days to
        purchase, through Odoo's buy rule."""
        self.product.seller_ids.delay = 5
        self.env.company.write({"po_lead": 2, "days_to_purchase": 1})
        self._create_rule()
        planned = fields.Datetime.to_datetime(
            self._proposal(self.product)["date_planned"]
        )
        expected = fields.Datetime.now() + timedelta(days=8)
        self.assertAlmostEqual(planned, expected, delta=timedelta(minutes=5))

    def test_days_of_cover_reorder_quantity(self):
        """A reorder quantity in days counts the daily usage (3 a day)."""
        self._add_stock(self.product, self.wh_a.lot_stock_id, 90)
        delivery = self._delivery(self.wh_a, [(self.product, 90, None)])
        self._validate(delivery)
        self.env.company.threshold_usage_days = 30
        self._create_rule(
            threshold_type="days",
            safety_value=2,
            min_value=5,
            max_value=0,
            reorder_method="reorder_qty",
            reorder_qty=10,
        )
        # min 5 days = 15 units, + 10 days = 30 units; 3 on hand.
        self.assertEqual(self._proposal(self.product)["quantity"], 42)
