from datetime import timedelta

from dateutil.relativedelta import relativedelta

from .common import AnalyticsCommon


class TestSalesTrends(AnalyticsCommon):
    """Sales of the standard product from warehouse 1: 5 @ 10 thirteen
    months ago, 4 @ 10 two months ago, 6 @ 12 last month of which 1 came
    back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        std = cls.product_std
        cls._receive(std, cls.wh_1, 100, 500, 4.0)
        cls._sell(std, cls.wh_1, 5, 10.0, cls._days_ago(13))
        cls._sell(std, cls.wh_1, 4, 10.0, cls._days_ago(2))
        line = cls._sell(std, cls.wh_1, 6, 12.0, cls._days_ago(1))
        cls._move(
            std,
            cls.customer,
            cls.wh_1.lot_stock_id,
            1,
            cls._days_ago(1, 20),
            sale_line_id=line.id,
        )

    def test_monthly_trend_and_growth(self):
        first = self.today.replace(day=1)
        rows = self.analytics.get_sales_trends(
            date_from=first - relativedelta(months=2),
            date_to=first - timedelta(days=1),
            product_ids=self.product_std.ids,
        )
        self.assertEqual(len(rows), 2)
        older, last = rows
        self.assertEqual(older["period_start"], first - relativedelta(months=2))
        self.assertEqual((older["quantity"], older["revenue"]), (4, 40))
        self.assertIs(older["growth_quantity"], False)
        self.assertEqual(last["warehouse_id"], self.wh_1.id)
        self.assertEqual((last["quantity"], last["revenue"]), (5, 60))
        self.assertEqual((last["previous_quantity"], last["previous_revenue"]), (4, 40))
        self.assertAlmostEqual(last["growth_quantity"], 0.25)
        self.assertAlmostEqual(last["growth_revenue"], 0.5)
        self.assertEqual(
            (last["last_year_quantity"], last["last_year_revenue"]), (5, 50)
        )
        self.assertAlmostEqual(last["yoy_growth_quantity"], 0.0)
        self.assertAlmostEqual(last["yoy_growth_revenue"], 0.2)

    def test_weekly_category_trend(self):
        rows = self.analytics.get_sales_trends(
            date_from=self.today - timedelta(days=450),
            period="week",
            group_by=["categ_id"],
            category_ids=self.categ_std.ids,
        )
        self.assertEqual([r["categ_id"] for r in rows], [self.categ_std.id] * 4)
        self.assertTrue(all(r["period_start"].weekday() == 0 for r in rows))
        self.assertEqual(sum(r["quantity"] for r in rows), 14)

    def test_last_year_whole_month_when_starting_mid_month(self):
        """A report starting on the 15th compares its first month with the
        whole same month a year earlier, early sales included."""
        self._sell(self.product_std, self.wh_1, 2, 10.0, self._days_ago(13, 2))
        first = self.today.replace(day=1)
        rows = self.analytics.get_sales_trends(
            date_from=first - relativedelta(months=1, day=15),
            date_to=first - timedelta(days=1),
            product_ids=self.product_std.ids,
        )
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["period_start"], first - relativedelta(months=1))
        self.assertEqual((rows[0]["quantity"], rows[0]["revenue"]), (5, 60))
        self.assertEqual(
            (rows[0]["last_year_quantity"], rows[0]["last_year_revenue"]), (7, 70)
        )
