from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import ReorderCommon


@tagged("post_install", "-at_install")
class TestOrders(ReorderCommon):
    """From proposals to draft RFQs: grouping, merging, caps, links."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product_3 = cls._create_product("Reorder Third", cls.categ_parent)
        cls._add_seller(cls.product_3, cls.vendor_2, price=1)
        cls.rule_categ = cls._create_rule(
            product_scope="category",
            product_id=False,
            categ_id=cls.categ_parent.id,
        )
        cls.rule_b = cls._create_rule(
            product_scope="category",
            product_id=False,
            categ_id=cls.categ_parent.id,
            warehouse_id=cls.wh_b.id,
        )
        # The hand-made RFQs of the tests are the vendor's buyer's.
        cls.vendor.buyer_id = cls.env.user

    def test_grouping_per_vendor_and_warehouse(self):
        summary = self._run()
        orders = self.PurchaseOrder.browse(summary["purchase_order_ids"])
        keys = {(o.partner_id, o.picking_type_id): o for o in orders}
        self.assertEqual(len(orders), 4)
        self.assertEqual(len(keys), 4)
        order_a = keys[self.vendor, self.wh_a.in_type_id]
        self.assertEqual(order_a.order_line.product_id, self.product | self.product_2)
        self.assertEqual(order_a.state, "draft")
        self.assertEqual(order_a.origin, "Stock thresholds")
        self.assertEqual(summary["lines_created"], 6)
        self.assertEqual(summary["lines_updated"], 0)
        self.assertEqual(summary["picking_ids"], [])

    def test_lines_link_rule_and_alert(self):
        self._run(self.wh_a, self.product)
        line = self._lines(self.product)
        self.assertEqual(line.threshold_rule_id, self.rule_categ)
        alert = line.threshold_alert_id
        self.assertEqual(alert.product_id, self.product)
        self.assertEqual(alert.location_id, self.wh_a.view_location_id)
        self.assertEqual(alert.kind, "out_of_stock")

    def test_rerun_orders_nothing(self):
        self._run()
        summary = self._run()
        self.assertEqual(summary["lines_created"], 0)
        self.assertEqual(summary["lines_updated"], 0)
        self.assertEqual(len(self._lines(self.product)), 1)

    def test_merge_into_existing_rfq_and_update_line(self):
        """The vendor's draft RFQ for the warehouse receives the lines; its
        line of the product is topped up, not duplicated."""
        order = self.PurchaseOrder.create(
            {
                "partner_id": self.vendor.id,
                "picking_type_id": self.wh_a.in_type_id.id,
                "origin": "Manual",
                "order_line": [
                    Command.create({"product_id": self.product.id, "product_qty": 5})
                ],
            }
        )
        summary = self._run(self.wh_a)
        self.assertIn(order.id, summary["purchase_order_ids"])
        self.assertEqual(summary["lines_updated"], 1)
        self.assertEqual(order.origin, "Manual, Stock thresholds")
        line = order.order_line.filtered(lambda li: li.product_id == self.product)
        self.assertEqual(line.product_qty, 100)
        self.assertEqual(line.threshold_rule_id, self.rule_categ)
        self.assertEqual(
            order.order_line.filtered(
                lambda li: li.product_id == self.product_2
            ).product_qty,
            100,
        )

    def test_sent_rfq_is_counted_not_merged(self):
        self._run(self.wh_a, self.product)
        self._lines(self.product).order_id.state = "sent"
        summary = self._run(self.wh_a, self.product)
        self.assertEqual(summary["lines_created"] + summary["lines_updated"], 0)

    def _foreign_rfq(self, **values):
        """A draft RFQ of the vendor for warehouse A, of product_2 only."""
        return self.PurchaseOrder.create(
            {
                "partner_id": self.vendor.id,
                "picking_type_id": self.wh_a.in_type_id.id,
                "order_line": [Command.create({"product_id": self.product_2.id})],
                **values,
            }
        )

    def test_no_merge_into_procurement_group_rfq(self):
        """A sale's make-to-order RFQ (a procurement group) is left alone,
        as Odoo's buy rule leaves it."""
        group = self.env["procurement.group"].create({"name": "SO-MTO"})
        order = self._foreign_rfq(group_id=group.id)
        summary = self._run(self.wh_a, self.product)
        self.assertNotIn(order.id, summary["purchase_order_ids"])
        self.assertEqual(order.order_line.product_id, self.product_2)
        self.assertEqual(len(summary["purchase_order_ids"]), 1)

    def test_no_merge_into_other_buyer_rfq(self):
        """Another buyer's RFQ is left alone; the vendor's buyer's one gets
        the line."""
        other = new_test_user(
            self.env, "reorder_other_buyer", groups="purchase.group_purchase_user"
        )
        foreign = self._foreign_rfq(user_id=other.id)
        own = self._foreign_rfq()
        summary = self._run(self.wh_a, self.product)
        self.assertEqual(summary["purchase_order_ids"], own.ids)
        self.assertEqual(foreign.order_line.product_id, self.product_2)
        self.assertEqual(own.order_line.product_id, self.product | self.product_2)

    def test_line_limit(self):
        self.env.company.threshold_rfq_line_limit = 1
        summary = self._run(self.wh_a)
        orders = self.PurchaseOrder.browse(summary["purchase_order_ids"])
        by_vendor = orders.filtered(lambda o: o.partner_id == self.vendor)
        self.assertEqual(len(by_vendor), 2)
        self.assertEqual(by_vendor.mapped(lambda o: len(o.order_line)), [1, 1])

    def test_line_limit_fills_existing_rfq_first(self):
        self.env.company.threshold_rfq_line_limit = 2
        order = self.PurchaseOrder.create(
            {
                "partner_id": self.vendor.id,
                "picking_type_id": self.wh_a.in_type_id.id,
                "order_line": [Command.create({"product_id": self.product_3.id})],
            }
        )
        summary = self._run(self.wh_a, self.product | self.product_2)
        self.assertEqual(len(order.order_line), 2)
        self.assertEqual(len(summary["purchase_order_ids"]), 2)

    def test_dry_run_writes_nothing(self):
        count = self.PurchaseOrder.search_count([])
        summary = self._run(dry_run=True)
        self.assertEqual(summary["lines_created"], 6)
        self.assertEqual(summary["purchase_order_ids"], [])
        self.assertEqual(self.PurchaseOrder.search_count([]), count)

    def test_skipped_without_vendor(self):
        self.product_3.seller_ids.unlink()
        summary = self._run(self.wh_a)
        skipped = [
            s for s in summary["skipped"] if s["product_id"] == self.product_3.id
        ]
        self.assertEqual(len(skipped), 1)
        self.assertIn("No vendor", skipped[0]["reason"])
        self.assertFalse(self._lines(self.product_3))

    def test_skipped_when_alert_snoozed(self):
        alert = self.env["stock.threshold.alert"].search(
            [
                ("product_id", "=", self.product.id),
                ("location_id", "=", self.wh_a.view_location_id.id),
            ]
        )
        alert.action_snooze()
        summary = self._run(self.wh_a, self.product)
        self.assertIn("Snoozed", summary["skipped"][0]["reason"])
        self.assertFalse(summary["purchase_order_ids"])

    def test_resume_after_partial_run(self):
        """A run stopped after its first warehouse chunk resumes without
        ordering that warehouse again."""
        self.env["stock.threshold.reorder"]._run(self.wh_a.ids)
        summary = self._run()
        self.assertEqual(summary["lines_created"], 3)
        self.assertEqual(len(self._lines(self.product)), 1)
        self.assertEqual(len(self._lines(self.product, self.wh_b)), 1)

    def test_queries_batched_but_odoo_line_name(self):
        """Ordering 12 lines instead of 3 for one vendor costs at most one
        query per extra line: the vendor's product name that Odoo's own
        line preparation looks up; everything else is batched."""
        Product = self.env["product.product"]
        few = self._bulk_products("Few", 3)
        many = self._bulk_products("Many", 12)
        Product.invalidate_model()
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        self._run(self.wh_a, few)
        few_count = self.env.cr.sql_log_count - before
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self._run(self.wh_a, many)
        many_count = self.env.cr.sql_log_count - before
        self.assertEqual(len(self._lines(many[-1])), 1)
        self.assertLessEqual(many_count, few_count + 9 + 2, (few_count, many_count))

    def _bulk_products(self, name, count):
        categ = self.env["product.category"].create({"name": name})
        products = self.env["product.product"].create(
            [
                {"name": f"{name} {index}", "is_storable": True, "categ_id": categ.id}
                for index in range(count)
            ]
        )
        self.env["product.supplierinfo"].create(
            [
                {
                    "partner_id": self.vendor_2.id,
                    "product_tmpl_id": product.product_tmpl_id.id,
                    "price": 2,
                }
                for product in products
            ]
        )
        self._create_rule(product_scope="category", product_id=False, categ_id=categ.id)
        return products
