from .common import AnalyticsCommon


class TestDeadStock(AnalyticsCommon):
    """Standard product (cost 4): 10 received 200 days ago, 3 delivered 100
    days ago. FIFO product: 5 @ 2 received 10 days ago, never delivered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._receive(cls.product_std, cls.wh_1, 10, 200, 4.0)
        cls.out = cls._deliver(cls.product_std, cls.wh_1, 3, 100)
        cls._receive(cls.product, cls.wh_2, 5, 10, 2.0)
        cls.scope = {"warehouse_ids": (cls.wh_1 | cls.wh_2).ids}

    def test_dead_after_days(self):
        (row,) = self.analytics.get_dead_stock(days=90, **self.scope)
        self.assertEqual(row["product_id"], self.product_std.id)
        self.assertEqual(row["location_id"], self.wh_1.lot_stock_id.id)
        self.assertEqual(row["warehouse_id"], self.wh_1.id)
        self.assertEqual(row["quantity"], 7)
        self.assertAlmostEqual(row["value"], 28.0)
        self.assertEqual(row["idle_days"], 100)
        self.assertEqual(row["last_outgoing_date"], self.out.date)

    def test_never_delivered_counts_from_arrival(self):
        rows = self.analytics.get_dead_stock(days=10, **self.scope)
        by_product = {r["product_id"]: r for r in rows}
        self.assertEqual(set(by_product), {self.product_std.id, self.product.id})
        fifo = by_product[self.product.id]
        self.assertEqual((fifo["idle_days"], fifo["last_outgoing_date"]), (10, False))
        self.assertAlmostEqual(fifo["value"], 10.0)
        self.assertFalse(self.analytics.get_dead_stock(days=101, **self.scope))
