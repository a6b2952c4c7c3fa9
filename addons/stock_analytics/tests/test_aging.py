from datetime import timedelta

from .common import AgingCommon


class TestAging(AgingCommon):
    """FIFO aging of the common data set, today and at a past date."""

    def _rows(self, **kwargs):
        rows = self.analytics.get_aging(
            warehouse_ids=(self.wh_1 | self.wh_2).ids, **kwargs
        )
        return {
            (r["product_id"], r.get("location_id") or r["warehouse_id"]): r
            for r in rows
        }

    def _buckets(self, row):
        return [
            (b["label"], b["quantity"], round(b["value"], 2)) for b in row["buckets"]
        ]

    def test_aging_today_fifo(self):
        rows = self._rows()
        wh_1 = rows[self.product.id, self.wh_1.id]
        self.assertAlmostEqual(wh_1["quantity"], 10)
        self.assertAlmostEqual(wh_1["value"], 62.0)
        self.assertEqual(
            self._buckets(wh_1),
            [
                ("0-30", 0.0, 0.0),
                ("31-60", 5.0, 32.0),
                ("61-90", 0.0, 0.0),
                ("91-180", 5.0, 30.0),
                ("over 180", 0.0, 0.0),
            ],
        )
        wh_2 = rows[self.product.id, self.wh_2.id]
        self.assertEqual(self._buckets(wh_2)[0], ("0-30", 3.0, 21.0))
        self.assertAlmostEqual(wh_2["quantity"], 3)
        self.assertEqual([b["min_days"] for b in wh_2["buckets"]], [0, 31, 61, 91, 181])
        self.assertIs(wh_2["buckets"][-1]["max_days"], False)

    def test_aging_agrees_with_remaining_layers(self):
        rows = self._rows(product_ids=self.product.ids)
        layers = self.env["stock.valuation.layer"].search(
            [("product_id", "=", self.product.id)]
        )
        self.assertAlmostEqual(sum(layers.mapped("remaining_value")), 83.0)
        self.assertAlmostEqual(sum(r["value"] for r in rows.values()), 83.0)
        self.assertAlmostEqual(
            sum(r["quantity"] for r in rows.values()), self.product.qty_available
        )

    def test_aging_past_date(self):
        rows = self._rows(at_date=self.today - timedelta(days=30))
        self.assertNotIn((self.product.id, self.wh_2.id), rows)
        self.assertNotIn((self.product_std.id, self.wh_1.id), rows)
        self.assertEqual(
            self._buckets(rows[self.product.id, self.wh_1.id]),
            [
                ("0-30", 5.0, 35.0),
                ("31-60", 0.0, 0.0),
                ("61-90", 10.0, 60.0),
                ("91-180", 10.0, 50.0),
                ("over 180", 0.0, 0.0),
            ],
        )

    def test_aging_standard_cost_and_buckets(self):
        rows = self._rows(buckets=[60], product_ids=self.product_std.ids)
        self.assertEqual(list(rows), [(self.product_std.id, self.wh_1.id)])
        self.assertEqual(
            self._buckets(rows[self.product_std.id, self.wh_1.id]),
            [("0-60", 4.0, 16.0), ("over 60", 0.0, 0.0)],
        )

    def test_aging_per_location(self):
        rows = self._rows(scope="location", location_ids=self.wh_2.lot_stock_id.ids)
        self.assertEqual(list(rows), [(self.product.id, self.wh_2.lot_stock_id.id)])
        row = rows[self.product.id, self.wh_2.lot_stock_id.id]
        self.assertAlmostEqual(row["value"], 21.0)
        self.assertEqual(row["warehouse_id"], self.wh_2.id)

    def test_aging_fifo_decided_per_company(self):
        """A category FIFO in another company only: that company's stock is
        aged at the cost of its own layers, not at the average cost."""
        other = self.env["res.company"].create({"name": "Aging other company"})
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", other.id)])
        self.categ_std.with_company(other).write(
            {"property_cost_method": "fifo", "property_valuation": "manual_periodic"}
        )
        product = self._create_product("Aging FIFO elsewhere", self.categ_std)
        self._receive(product, warehouse, 10, 200, 5.0)
        self._receive(product, warehouse, 10, 100, 6.0)
        self._deliver(product, warehouse, 5, 20)
        rows = self.analytics.with_context(
            allowed_company_ids=(self.company | other).ids
        ).get_aging(warehouse_ids=warehouse.ids, product_ids=product.ids)
        self.assertEqual(len(rows), 1)
        self.assertEqual(
            self._buckets(rows[0]),
            [
                ("0-30", 0.0, 0.0),
                ("31-60", 0.0, 0.0),
                ("61-90", 0.0, 0.0),
                ("91-180", 10.0, 60.0),
                ("over 180", 5.0, 25.0),
            ],
        )

    def test_aging_lines_per_location_carry_warehouse(self):
        wizard = self.env["stock.analytics.wizard"].create(
            {"report": "aging", "scope": "location", "warehouse_ids": self.wh_2.ids}
        )
        action = wizard.action_view()
        lines = self.env[action["res_model"]].search(action["domain"])
        self.assertEqual(lines.location_id, self.wh_2.lot_stock_id)
        self.assertEqual(lines.warehouse_id, self.wh_2)
        self.assertEqual(lines.company_id, self.company)
