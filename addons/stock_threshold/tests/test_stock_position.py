from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ThresholdCommon

ODOO_FIELDS = {
    "on_hand": "qty_available",
    "free": "free_qty",
    "incoming": "incoming_qty",
    "outgoing": "outgoing_qty",
    "forecast": "virtual_available",
}


@tagged("post_install", "-at_install")
class TestStockPosition(ThresholdCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("stock.group_production_lot")
        cls.env.user.groups_id += cls.env.ref("stock.group_tracking_lot")
        cls.dozen = cls.env.ref("uom.product_uom_dozen")
        cls.product_lot = cls._create_product(
            "Threshold Lot", cls.categ_child, tracking="lot"
        )
        cls.product_serial = cls._create_product(
            "Threshold Serial", cls.categ_child, tracking="serial"
        )
        cls.product_dozen = cls._create_product(
            "Threshold Dozen", cls.categ_parent, uom_po_id=cls.dozen.id
        )
        cls.product_archived = cls._create_product(
            "Threshold Archived", cls.categ_parent
        )
        cls._build_stock()

    @classmethod
    def _build_stock(cls):
        Lot = cls.env["stock.lot"]
        package = cls.env["stock.quant.package"].create({"name": "THR-PACK"})
        cls._add_stock(cls.product, cls.wh_a.lot_stock_id, 60)
        cls._add_stock(cls.product, cls.shelf_a, 40, package_id=package)
        for name, qty in (("L1", 12), ("L2", 8)):
            lot = Lot.create({"name": name, "product_id": cls.product_lot.id})
            cls._add_stock(cls.product_lot, cls.shelf_a, qty, lot_id=lot)
        for name in ("S1", "S2", "S3"):
            lot = Lot.create({"name": name, "product_id": cls.product_serial.id})
            cls._add_stock(cls.product_serial, cls.wh_a.lot_stock_id, 1, lot_id=lot)
        cls._add_stock(cls.product_archived, cls.wh_a.lot_stock_id, 7)
        cls.product_archived.active = False
        # Reservations: a delivery of 10 plain and 1 serial, reserved.
        cls.delivery = cls._delivery(
            cls.wh_a, [(cls.product, 10, None), (cls.product_serial, 1, None)]
        )
        cls.delivery.action_assign()
        # On order: a supplier receipt in the purchase unit (2 dozens = 24 units).
        cls.receipt = cls._receipt(
            cls.wh_a, [(cls.product_dozen, 2, cls.dozen), (cls.product, 20, None)]
        )
        cls._resupply_b(cls.product, 15)

    @classmethod
    def _resupply_b(cls, product, qty):
        """Run the B-from-A resupply route: A/Stock -> transit -> B/Stock."""
        group = cls.env["procurement.group"].create({"name": "THR resupply"})
        procurement = cls.env["procurement.group"].Procurement(
            product,
            qty,
            product.uom_id,
            cls.wh_b.lot_stock_id,
            product.name,
            "THR",
            cls.company,
            {
                "warehouse_id": cls.wh_b,
                "route_ids": cls.wh_b.resupply_route_ids,
                "group_id": group,
            },
        )
        cls.env["procurement.group"].run([procurement])
        cls.transit_moves = cls.env["stock.move"].search([("group_id", "=", group.id)])

    def _positions(self, **kwargs):
        return self.env["stock.position"].get_positions(**kwargs)

    def _assert_same_as_odoo(self, products, **scope):
        context = (
            {"warehouse_id": scope["warehouse_ids"][0]}
            if "warehouse_ids" in (scope)
            else {"location": scope["location_ids"][0]}
        )
        rows = {
            row["product_id"]: row
            for row in self._positions(product_ids=products.ids, **scope)
        }
        self.assertEqual(set(rows), set(products.ids))
        for product in products.with_context(**context):
            for ours, theirs in ODOO_FIELDS.items():
                self.assertAlmostEqual(
                    rows[product.id][ours],
                    product[theirs],
                    msg=f"{ours} of {product.name} in {scope}",
                )
        return rows

    def _all_products(self):
        return (
            self.product
            | self.product_2
            | self.product_lot
            | self.product_serial
            | self.product_dozen
            | self.product_archived.with_context(active_test=False)
        )

    def test_equal_to_odoo_per_warehouse(self):
        for warehouse in self.wh_a | self.wh_b:
            self._assert_same_as_odoo(self._all_products(), warehouse_ids=warehouse.ids)

    def test_equal_to_odoo_per_location_subtree(self):
        for location in self.wh_a.lot_stock_id | self.shelf_a | self.wh_b.lot_stock_id:
            self._assert_same_as_odoo(self._all_products(), location_ids=location.ids)

    def test_rounding_half_up_like_odoo(self):
        tenth = self.env["uom.uom"].create(
            {
                "name": "Threshold Tenth",
                "category_id": self.env.ref("uom.product_uom_categ_unit").id,
                "uom_type": "bigger",
                "factor_inv": 1.0,
                "rounding": 0.1,
            }
        )
        product = self._create_product(
            "Threshold Tenth", self.categ_parent, uom_id=tenth.id, uom_po_id=tenth.id
        )
        # 0.25 is a tie at 0.1: Odoo's float_round rounds it up to 0.3.
        self._add_stock(product, self.wh_a.lot_stock_id, 0.15)
        self._add_stock(product, self.shelf_a, 0.1)
        rows = self._assert_same_as_odoo(product, warehouse_ids=self.wh_a.ids)
        self.assertAlmostEqual(rows[product.id]["on_hand"], 0.3)

    def test_jit_setting_is_restored(self):
        self.env.cr.execute("SET LOCAL jit = on")
        self._positions(product_ids=self.product.ids, warehouse_ids=self.wh_a.ids)
        self.env.cr.execute("SELECT current_setting('jit')")
        self.assertEqual(self.env.cr.fetchone()[0], "on")

    def test_figures_before_transit(self):
        rows = self._assert_same_as_odoo(
            self._all_products(), warehouse_ids=self.wh_a.ids
        )
        plain = rows[self.product.id]
        self.assertEqual(plain["on_hand"], 100)
        # 10 for the delivery, 15 for the resupply of B (reserved when confirmed)
        self.assertEqual(plain["reserved"], 25)
        self.assertEqual(plain["free"], 75)
        self.assertEqual(plain["on_order"], 20)
        self.assertEqual(plain["outgoing"], 25)
        self.assertEqual(rows[self.product_dozen.id]["on_order"], 24)
        self.assertEqual(rows[self.product_serial.id]["reserved"], 1)
        self.assertEqual(rows[self.product_archived.id]["on_hand"], 7)
        b_rows = self._assert_same_as_odoo(self.product, warehouse_ids=self.wh_b.ids)
        # The goods have not left A: incoming in B, but not in transit yet.
        self.assertEqual(b_rows[self.product.id]["incoming"], 15)
        self.assertEqual(b_rows[self.product.id]["in_transit"], 0)

    def test_in_transit_after_leaving_source(self):
        first_leg = self.transit_moves.filtered(
            lambda m: m.location_id == self.wh_a.lot_stock_id
        )
        self._validate(first_leg.picking_id)
        rows = self._assert_same_as_odoo(self.product, warehouse_ids=self.wh_b.ids)
        self.assertEqual(rows[self.product.id]["in_transit"], 15)
        self.assertEqual(rows[self.product.id]["on_order"], 0)
        rows = self._assert_same_as_odoo(self.product, warehouse_ids=self.wh_a.ids)
        self.assertEqual(rows[self.product.id]["on_hand"], 85)

    def test_daily_usage_and_days_of_cover(self):
        self.company.threshold_usage_days = 10
        self._validate(self.delivery)
        row = self._positions(
            product_ids=self.product.ids, warehouse_ids=self.wh_a.ids
        )[0]
        self.assertAlmostEqual(row["daily_usage"], 1.0)  # 10 delivered over 10 days
        # free 75 + on order 20 (scheduled today, within the 7 default days)
        self.assertAlmostEqual(row["days_of_cover"], 95.0)
        row = self._positions(
            product_ids=self.product_2.ids, warehouse_ids=self.wh_a.ids
        )[0]
        self.assertIs(row["days_of_cover"], False)

    def test_usage_window_of_each_company(self):
        """One call over two companies takes each company's own window."""
        self.company.threshold_usage_days = 10
        self._validate(self.delivery)  # 10 out of warehouse A
        company_b = self.env["res.company"].create(
            {"name": "Threshold Co B", "threshold_usage_days": 5}
        )
        wh_other = self.env["stock.warehouse"].search(
            [("company_id", "=", company_b.id)], limit=1
        )
        self._add_stock(self.product, wh_other.lot_stock_id, 50)
        customers_b = self.env["stock.location"].create(
            {"name": "Customers B", "usage": "customer", "company_id": company_b.id}
        )
        delivery_b = (
            self.env["stock.picking"]
            .with_company(company_b)
            .create(
                {
                    "picking_type_id": wh_other.out_type_id.id,
                    "location_id": wh_other.lot_stock_id.id,
                    "location_dest_id": customers_b.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": "out B",
                                "product_id": self.product.id,
                                "product_uom_qty": 10,
                                "location_id": wh_other.lot_stock_id.id,
                                "location_dest_id": customers_b.id,
                            }
                        )
                    ],
                }
            )
        )
        delivery_b.action_confirm()
        self._validate(delivery_b)
        rows = (
            self.env["stock.position"]
            .with_context(allowed_company_ids=(self.company | company_b).ids)
            .get_positions(
                product_ids=self.product.ids, warehouse_ids=(self.wh_a | wh_other).ids
            )
        )
        usage = {row["warehouse_id"]: row["daily_usage"] for row in rows}
        self.assertAlmostEqual(usage[self.wh_a.id], 1.0)  # 10 over 10 days
        self.assertAlmostEqual(usage[wh_other.id], 2.0)  # 10 over 5 days

    def test_scope_keys_and_default_products(self):
        rows = self._positions(location_ids=self.shelf_a.ids)
        self.assertTrue(all(row["location_id"] == self.shelf_a.id for row in rows))
        self.assertEqual(
            {row["product_id"] for row in rows}, {self.product.id, self.product_lot.id}
        )
        self.assertTrue(
            all(row["status"] == "none" and not row["rule_id"] for row in rows)
        )

    def test_second_company_is_invisible(self):
        company_b = self.env["res.company"].create({"name": "Threshold Co B"})
        wh_other = self.env["stock.warehouse"].search(
            [("company_id", "=", company_b.id)], limit=1
        )
        self._add_stock(self.product, wh_other.lot_stock_id, 500)
        rows = (
            self.env["stock.position"]
            .with_context(allowed_company_ids=self.company.ids)
            .get_positions(product_ids=self.product.ids)
        )
        self.assertNotIn(wh_other.id, {row["warehouse_id"] for row in rows})
        # Asked by id, even in superuser mode, it stays out of reach.
        for env in (self.env, self.env(su=True)):
            rows = (
                env["stock.position"]
                .with_context(allowed_company_ids=self.company.ids)
                .get_positions(product_ids=self.product.ids, warehouse_ids=wh_other.ids)
            )
            self.assertEqual(rows, [])
        rows = (
            self.env["stock.position"]
            .with_company(company_b)
            .get_positions(product_ids=self.product.ids, warehouse_ids=wh_other.ids)
        )
        self.assertEqual(rows[0]["on_hand"], 500)
        odoo_qty = (
            self.product.with_company(company_b)
            .with_context(warehouse_id=wh_other.id)
            .qty_available
        )
        self.assertEqual(odoo_qty, 500)

    def test_unknown_products_give_no_rows(self):
        self._create_rule(product_scope="all", product_id=False)
        self.assertEqual(
            self._positions(product_ids=[-1], warehouse_ids=self.wh_a.ids), []
        )

    def test_non_internal_location_refused(self):
        with self.assertRaises(UserError):
            self._positions(location_ids=self.customer_loc.ids)

    def test_draft_quantities_hook_is_empty(self):
        row = self._positions(
            product_ids=self.product.ids, warehouse_ids=self.wh_a.ids
        )[0]
        self.assertEqual(row["draft_ordered"], 0)

    def test_open_moves_of_other_warehouse_packages(self):
        """Moving a package inside A changes nothing for the warehouse, and
        moves it between the location scopes."""
        internal = self._create_picking(
            self.wh_a.int_type_id,
            self.shelf_a,
            self.wh_a.lot_stock_id,
            [(self.product, 40, None)],
        )
        internal.action_assign()
        self._assert_same_as_odoo(self.product, warehouse_ids=self.wh_a.ids)
        rows = self._assert_same_as_odoo(self.product, location_ids=self.shelf_a.ids)
        self.assertEqual(rows[self.product.id]["outgoing"], 40)
        self._validate(internal)
        rows = self._assert_same_as_odoo(self.product, location_ids=self.shelf_a.ids)
        self.assertEqual(rows[self.product.id]["on_hand"], 0)
