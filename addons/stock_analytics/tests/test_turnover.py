from datetime import timedelta

from .common import AnalyticsCommon


class TestTurnover(AnalyticsCommon):
    """Over the last 90 days. Standard product (cost 4) in warehouse 1:
    20 on hand at the start, 8 delivered, 2 sent to warehouse 2, 10
    received, 6 delivered. FIFO product in warehouse 2: 10 @ 5 on hand at
    the start, 10 @ 20 received, 12 delivered (10 @ 5 + 2 @ 20)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        std, fifo = cls.product_std, cls.product
        cls._receive(std, cls.wh_1, 20, 120, 4.0)
        cls._deliver(std, cls.wh_1, 8, 60)
        cls._transfer(std, cls.wh_1, cls.wh_2, 2, 40)
        cls._receive(std, cls.wh_1, 10, 30, 4.0)
        cls._deliver(std, cls.wh_1, 6, 10)
        cls._receive(fifo, cls.wh_2, 10, 120, 5.0)
        cls._receive(fifo, cls.wh_2, 10, 60, 20.0)
        cls._deliver(fifo, cls.wh_2, 12, 10)
        cls.period = {
            "date_from": cls.today - timedelta(days=89),
            "date_to": cls.today,
            "warehouse_ids": (cls.wh_1 | cls.wh_2).ids,
        }

    def _rows(self, **kwargs):
        rows = self.analytics.get_turnover(**self.period, **kwargs)
        return {(r["product_id"], r["warehouse_id"]): r for r in rows}

    def test_turnover_standard_cost(self):
        row = self._rows()[self.product_std.id, self.wh_1.id]
        self.assertEqual(
            [row[k] for k in ("opening_qty", "closing_qty", "qty_in", "qty_out")],
            [20, 14, 10, 14],
        )
        self.assertAlmostEqual(row["cogs"], 56.0)
        self.assertAlmostEqual(row["average_value"], (80 + 56) / 2)
        self.assertAlmostEqual(row["turnover_qty"], 14 / 17)
        self.assertAlmostEqual(row["turnover_value"], 56 / 68)
        self.assertAlmostEqual(row["days_of_inventory"], 90 / (56 / 68))
        self.assertAlmostEqual(row["sell_through"], 14 / 30)

    def test_transfer_is_not_consumption(self):
        row = self._rows()[self.product_std.id, self.wh_2.id]
        self.assertEqual((row["qty_in"], row["qty_out"], row["cogs"]), (2, 0, 0))
        self.assertEqual(row["turnover_qty"], 0.0)
        self.assertIs(row["days_of_inventory"], False)

    def test_turnover_fifo_cost_differs_from_quantity(self):
        row = self._rows()[self.product.id, self.wh_2.id]
        self.assertAlmostEqual(row["cogs"], 90.0)
        self.assertAlmostEqual(row["opening_value"], 50.0)
        self.assertAlmostEqual(row["closing_value"], 160.0)
        self.assertAlmostEqual(row["turnover_qty"], 12 / 9)
        self.assertAlmostEqual(row["turnover_value"], 90 / 105)

    def test_turnover_grouped(self):
        rows = self.analytics.get_turnover(**self.period, group_by=["warehouse_id"])
        by_wh = {r["warehouse_id"]: r for r in rows}
        self.assertEqual(set(by_wh), {self.wh_1.id, self.wh_2.id})
        self.assertEqual(by_wh[self.wh_2.id]["qty_out"], 12)
        (total,) = self.analytics.get_turnover(**self.period, group_by=[])
        self.assertEqual(total["qty_out"], 26)
        self.assertAlmostEqual(total["cogs"], 146.0)
        (categ,) = self.analytics.get_turnover(
            **self.period, group_by=["categ_id"], category_ids=self.categ_fifo.ids
        )
        self.assertEqual(categ["categ_id"], self.categ_fifo.id)
        self.assertAlmostEqual(categ["cogs"], 90.0)
