from datetime import timedelta

from odoo import Command, fields
from odoo.tests import Form, tagged

from .common import SaleThresholdCommon


@tagged("post_install", "-at_install")
class TestSaleOrderLinePosition(SaleThresholdCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls._create_rule()  # safety 5, minimum 10, maximum 100
        cls._add_stock(cls.product, cls.wh_a.lot_stock_id, 20)
        cls._add_stock(cls.product_2, cls.wh_a.lot_stock_id, 7)

    def test_line_figures_equal_positions(self):
        order = self._create_order([(self.product, 3, None), (self.product_2, 1, None)])
        # a delivery confirmed elsewhere counts in the forecast
        self._delivery(self.wh_a, [(self.product, 4, None)])
        order.order_line.invalidate_recordset()
        positions = {
            row["product_id"]: row
            for row in self.env["stock.position"].get_positions(
                product_ids=(self.product | self.product_2).ids,
                warehouse_ids=self.wh_a.ids,
            )
        }
        for line in order.order_line:
            row = positions[line.product_id.id]
            self.assertEqual(line.threshold_free, row["free"])
            self.assertEqual(line.threshold_forecast, row["forecast"])
            self.assertEqual(line.threshold_status, row["status"])
        line = order.order_line.filtered(lambda ln: ln.product_id == self.product)
        self.assertEqual(line.threshold_forecast, 16)
        self.assertEqual((line.threshold_min_qty, line.threshold_safety_qty), (10, 5))
        self.assertEqual(line.threshold_projected_qty, 13)
        self.assertEqual(line.threshold_warning, "none")
        line_2 = order.order_line - line
        self.assertEqual(line_2.threshold_status, "none")
        self.assertEqual(
            (line_2.threshold_min_qty, line_2.threshold_safety_qty), (0, 0)
        )

    def test_demand_counted_in_the_warehouse_of_each_line(self):
        """One order takes the product from two warehouses: each forecast
        after confirmation subtracts its own warehouse's quantity only."""
        self._add_stock(self.product, self.wh_b.lot_stock_id, 20)
        customers = self.customer.property_stock_customer
        route = self.env["stock.route"].create(
            {
                "name": "Ship from B",
                "sale_selectable": True,
                "rule_ids": [
                    Command.create(
                        {
                            "name": "B to customers",
                            "action": "pull",
                            "picking_type_id": self.wh_b.out_type_id.id,
                            "location_src_id": self.wh_b.lot_stock_id.id,
                            "location_dest_id": customers.id,
                        }
                    )
                ],
            }
        )
        order = self._create_order([(self.product, 8, None), (self.product, 9, None)])
        line_b = order.order_line[1]
        line_b.route_id = route
        self.assertEqual(line_b.warehouse_id, self.wh_b)
        line_a = order.order_line[0]
        self.assertEqual(line_a.threshold_forecast, 20)
        self.assertEqual(line_a.threshold_projected_qty, 12)  # 20 - 8, not - 17
        self.assertEqual(line_b.threshold_projected_qty, 11)  # 20 - 9

    def test_lines_computed_in_one_batch(self):
        """The queries do not grow with the number of lines."""
        products = [
            self._create_product(f"Batch {i}", self.categ_child) for i in range(6)
        ]
        small = self._create_order([(products[0], 1, None)])
        large = self._create_order([(product, 1, None) for product in products])

        def count(order):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            order.order_line.mapped("threshold_warning")
            return self.env.cr.sql_log_count - before

        count(small)  # warm up caches of metadata
        self.assertEqual(count(large), count(small))

    def test_days_of_cover_levels(self):
        self.rule.write({"threshold_type": "days", "min_value": 10, "safety_value": 4})
        self._validate(self._delivery(self.wh_a, [(self.product, 6, None)]))
        order = self._create_order([(self.product, 1, None)])
        row = self.env["stock.position"].get_positions(
            product_ids=self.product.ids, warehouse_ids=self.wh_a.ids
        )[0]
        self.assertGreater(row["daily_usage"], 0)
        self.assertAlmostEqual(
            order.order_line.threshold_min_qty, 10 * row["daily_usage"]
        )
        self.assertAlmostEqual(
            order.order_line.threshold_safety_qty, 4 * row["daily_usage"]
        )

    def test_warning_below_min(self):
        order = self._create_order([(self.product, 11, None)])
        self.assertEqual(order.order_line.threshold_projected_qty, 9)
        self.assertEqual(order.order_line.threshold_warning, "below_min")
        self.assertIn("minimum", order.order_line.threshold_warning_message)

    def test_warning_below_safety_sums_lines_in_product_unit(self):
        """Two lines of one product, one in dozens: 1 dozen + 4 units leave
        4, below the safety stock of 5; each line alone would not."""
        order = self._create_order(
            [(self.product, 1, self.dozen), (self.product, 4, None)]
        )
        for line in order.order_line:
            self.assertEqual(line.threshold_projected_qty, 4)
            self.assertEqual(line.threshold_warning, "below_safety")

    def test_confirmed_quantities_are_not_counted_twice(self):
        order = self._create_order([(self.product, 11, None)], confirm=True)
        line = order.order_line
        self.assertEqual(line.threshold_forecast, 9)
        self.assertEqual(line.threshold_projected_qty, 9)
        self.assertEqual(line.threshold_warning, "none")
        line.product_uom_qty = 16  # 5 more, procured at once by sale_stock
        self.assertEqual(line.threshold_forecast, 4)
        self.assertEqual(line.threshold_projected_qty, 4)

    def test_unavailable_by_commitment_date(self):
        """Free 7 and 10 received in 5 days: 12 are there in a week, not in
        two days."""
        receipt = self._receipt(self.wh_a, [(self.product_2, 10, None)])
        receipt.scheduled_date = fields.Datetime.now() + timedelta(days=5)
        receipt.move_ids.date = receipt.scheduled_date
        order = self._create_order(
            [(self.product_2, 12, None)],
            commitment_date=fields.Datetime.now() + timedelta(days=2),
        )
        line = order.order_line
        self.assertEqual(line.threshold_available_qty, 7)
        self.assertEqual(line.threshold_warning, "unavailable")
        order.commitment_date = fields.Datetime.now() + timedelta(days=7)
        self.assertEqual(line.threshold_available_qty, 17)
        self.assertEqual(line.threshold_warning, "none")

    def test_expected_date_without_commitment(self):
        receipt = self._receipt(self.wh_a, [(self.product_2, 10, None)])
        receipt.move_ids.date = fields.Datetime.now() + timedelta(days=5)
        order = self._create_order([(self.product_2, 12, None)])
        self.assertEqual(order.order_line.threshold_warning, "unavailable")
        order.order_line.customer_lead = 6
        self.assertEqual(order.order_line.threshold_warning, "none")

    def test_onchange_warns(self):
        order = self._create_order([(self.product, 1, None)])
        with Form(order) as form:
            with form.order_line.edit(0) as line:
                line.product_uom_qty = 2
            with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
                with form.order_line.edit(0) as line:
                    line.product_uom_qty = 16
                    self.assertEqual(line.threshold_warning, "below_safety")
        self.assertIn("below the safety stock of 5", logs.output[0])

    def test_no_position_for_services(self):
        service = self.env["product.product"].create(
            {"name": "Threshold Service", "type": "service"}
        )
        order = self._create_order([(service, 5, None)])
        self.assertFalse(order.order_line.threshold_status)
        self.assertEqual(order.order_line.threshold_warning, "none")
