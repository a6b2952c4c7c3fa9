from dateutil.relativedelta import relativedelta

from odoo.exceptions import UserError

from .common import AnalyticsCommon


class TestForecast(AnalyticsCommon):
    """Monthly deliveries from warehouse 1: the standard product 5 a month
    over the last 6 months; the FIFO product 4 every third month over the
    last 10 months (intermittent)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._receive(cls.product_std, cls.wh_1, 100, 400, 4.0)
        cls._receive(cls.product, cls.wh_1, 100, 400, 1.0)
        for months_ago in range(1, 7):
            cls._deliver(cls.product_std, cls.wh_1, 5, cls._days_ago(months_ago))
        for months_ago in (10, 7, 4, 1):
            cls._deliver(cls.product, cls.wh_1, 4, cls._days_ago(months_ago))

    def test_forecast_methods(self):
        rows = self.analytics.get_forecast(
            warehouse_ids=self.wh_1.ids, history_periods=12, periods=3
        )
        by_product = {r["product_id"]: r for r in rows}
        regular = by_product[self.product_std.id]
        self.assertEqual(regular["warehouse_id"], self.wh_1.id)
        self.assertEqual(regular["method"], "ses")
        self.assertEqual(regular["history"], [0.0] * 6 + [5.0] * 6)
        first = self.today.replace(day=1)
        self.assertEqual(
            [(f["period_start"], f["quantity"]) for f in regular["forecast"]],
            [(first + relativedelta(months=i), 5.0) for i in range(3)],
        )
        intermittent = by_product[self.product.id]
        self.assertEqual(
            (intermittent["method"], intermittent["alpha"]), ("croston", 0.5)
        )
        self.assertAlmostEqual(intermittent["forecast"][0]["quantity"], 4 / 2.75)
        self.assertAlmostEqual(intermittent["mape"], (0 + 0.5 + 0.6) / 3)

    def test_forecast_weekly_history(self):
        (row,) = self.analytics.get_forecast(
            product_ids=self.product_std.ids,
            period="week",
            history_periods=12,
            periods=1,
        )
        self.assertEqual(row["forecast"][0]["period_start"].weekday(), 0)
        self.assertEqual(len(row["history"]), 12)
        self.assertEqual(set(row["history"]) - {0.0}, {5.0})

    def test_forecast_period_sums_moves_net_of_returns(self):
        """Moves of one period add up in its history (a return from the
        customer counts negative); a series with one demand has no error
        to give: False, as everywhere in RPC results."""
        product = self._create_product("Forecast Sums", self.categ_std)
        self._receive(product, self.wh_2, 100, 400, 1.0)
        self._deliver(product, self.wh_2, 2.5, self._days_ago(2, day=3))
        self._deliver(product, self.wh_2, 1.25, self._days_ago(2, day=20))
        self._move(
            product, self.customer, self.wh_2.lot_stock_id, 0.5, self._days_ago(2)
        )
        self._deliver(product, self.wh_2, 7, self._days_ago(1))
        (row,) = self.analytics.get_forecast(
            product_ids=product.ids, history_periods=4, periods=2
        )
        self.assertEqual(row["history"], [0.0, 0.0, 3.25, 7.0])
        self.assertEqual(row["method"], "ses")
        (single,) = self.analytics.get_forecast(
            product_ids=product.ids, history_periods=1, periods=1
        )
        self.assertEqual(single["history"], [7.0])
        self.assertIs(single["mase"], False)
        self.assertIs(single["mape"], False)
        self.assertEqual(single["forecast"][0]["quantity"], 7.0)

    def test_forecast_needs_periods(self):
        """No history or no forecast period, or a count that is not a whole
        number, is refused with its reason, not a crash of the query."""
        for options in (
            {"history_periods": 0},
            {"periods": 0},
            {"history_periods": "12"},
            {"periods": 1.5},
        ):
            with self.subTest(**options), self.assertRaises(UserError) as caught:
                self.analytics.get_forecast(**options)
            self.assertIn("at least one", str(caught.exception))
