from datetime import datetime, time, timedelta
from io import BytesIO

import openpyxl
import pytz
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import new_test_user

from .common import AnalyticsCommon

# UTC+14 all year round: 00:30 there is 10:30 the day before in UTC
TZ = "Pacific/Kiritimati"


class TestTimezone(AnalyticsCommon):
    """Days, weeks and months start at midnight in the user's time zone, as
    in ``read_group``: 10 units received at 00:10 and 4 sold at 00:30 there
    on the first day of last month (``cls.day``) belong to that day and
    month, not to the day and month before as in UTC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env,
            "analytics_kiritimati",
            groups="stock_analytics.group_analytics_user",
            tz=TZ,
        )
        cls.local = cls.analytics.with_user(cls.user).with_context(tz=False)
        cls.local_today = fields.Date.context_today(cls.local)
        cls.day = cls.local_today.replace(day=1) - relativedelta(months=1)
        std = cls.product_std
        cls._receive(std, cls.wh_1, 10, cls._local_time(cls.day, 0, 10), 4.0)
        cls._sell(std, cls.wh_1, 4, 10.0, cls._local_time(cls.day, 0, 30))
        cls.filters = {"product_ids": std.ids, "warehouse_ids": cls.wh_1.ids}

    @classmethod
    def _local_time(cls, day, hour, minute):
        """The UTC datetime of ``hour:minute`` on ``day`` in ``TZ``."""
        local = pytz.timezone(TZ).localize(datetime.combine(day, time(hour, minute)))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def test_sales_trends_local_month(self):
        rows = self.local.get_sales_trends(
            date_from=self.day, date_to=self.local_today, period="month", **self.filters
        )
        self.assertEqual(
            [(r["period_start"], r["quantity"]) for r in rows], [(self.day, 4.0)]
        )

    def test_sales_trends_local_week(self):
        (row,) = self.local.get_sales_trends(
            date_from=self.day, date_to=self.day, period="week", **self.filters
        )
        self.assertEqual(row["period_start"], self.day - timedelta(self.day.weekday()))

    def test_turnover_local_days(self):
        (row,) = self.local.get_turnover(
            date_from=self.day, date_to=self.day, **self.filters
        )
        self.assertEqual(
            [row[k] for k in ("opening_qty", "qty_in", "qty_out", "closing_qty")],
            [0, 10, 4, 6],
        )
        day_before = self.day - timedelta(days=1)
        self.assertFalse(
            self.local.get_turnover(
                date_from=day_before, date_to=day_before, **self.filters
            )
        )

    def test_aging_local_at_date_and_age(self):
        self.assertFalse(
            self.local.get_aging(at_date=self.day - timedelta(days=1), **self.filters)
        )
        (row,) = self.local.get_aging(
            at_date=self.day + timedelta(days=30), **self.filters
        )
        self.assertEqual(row["quantity"], 6)
        # 30 days old there (31 in UTC): still in the first bucket
        self.assertEqual(row["buckets"][0]["label"], "0-30")
        self.assertEqual(row["buckets"][0]["quantity"], 6)

    def test_context_tz_first(self):
        """The context's time zone wins over the user's (as in the web client)."""
        in_utc = self.local.with_context(tz="UTC")
        self.assertTrue(
            in_utc.get_aging(at_date=self.day - timedelta(days=1), **self.filters)
        )
        in_tz = self.analytics.with_context(tz=TZ)
        self.assertFalse(
            in_tz.get_aging(at_date=self.day - timedelta(days=1), **self.filters)
        )

    def test_abc_xyz_local_month(self):
        (row,) = self.local.get_abc_xyz(
            date_from=self.day, date_to=self.day, **self.filters
        )
        self.assertEqual(row["demand_mean"], 4)

    def test_forecast_local_history(self):
        (row,) = self.local.get_forecast(
            at_date=self.day + relativedelta(months=1),
            history_periods=1,
            periods=1,
            **self.filters,
        )
        self.assertEqual(row["history"], [4.0])

    def test_dead_stock_local_idle_days(self):
        (row,) = self.local.get_dead_stock(days=0, **self.filters)
        self.assertEqual(row["idle_days"], (self.local_today - self.day).days)

    def test_xlsx_dead_stock_local_last_outgoing(self):
        """The last outgoing datetime is written in the user's time zone (the
        sale at 00:30 there, 10:30 the day before in UTC)."""
        wizard = (
            self.env["stock.analytics.wizard"]
            .with_user(self.user)
            .create(
                {
                    "report": "dead_stock",
                    "days": 0,
                    "warehouse_ids": [(6, 0, self.wh_1.ids)],
                    "product_ids": [(6, 0, self.product_std.ids)],
                }
            )
        )
        content, __ = (
            self.env["ir.actions.report"]
            .with_user(self.user)
            ._render_xlsx(
                "stock_analytics.stock_analytics_xlsx_report", wizard.ids, None
            )
        )
        sheet = openpyxl.load_workbook(BytesIO(content))["Dead Stock"]
        header = [cell.value for cell in sheet[1]]
        (row,) = sheet.iter_rows(min_row=2, values_only=True)
        self.assertEqual(
            row[header.index("Last Outgoing")],
            datetime.combine(self.day, time(0, 30)),
        )
