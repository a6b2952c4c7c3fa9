import gc
import zipfile
from datetime import date, timedelta
from io import BytesIO
from unittest.mock import patch

import openpyxl

from odoo.tools import SQL

from ..models import stock_analytics_mixin
from .common import AgingCommon

SETTINGS_QUERY = (
    "SELECT current_setting('work_mem'), current_setting('cursor_tuple_fraction'),"
    " current_setting('jit')"
)


class TestWizardXlsx(AgingCommon):
    """Report lines of the wizard and the XLSX export, reopened with openpyxl."""

    def _wizard(self, report="aging", **values):
        return self.env["stock.analytics.wizard"].create(
            {
                "report": report,
                "warehouse_ids": [(6, 0, (self.wh_1 | self.wh_2).ids)],
                "product_ids": [(6, 0, self.product.ids)],
                **values,
            }
        )

    def _export(self, wizard):
        content, fmt = self.env["ir.actions.report"]._render_xlsx(
            "stock_analytics.stock_analytics_xlsx_report", wizard.ids, None
        )
        self.assertEqual(fmt, "xlsx")
        return content

    def test_view_lines(self):
        action = self._wizard().action_view()
        self.assertEqual(action["res_model"], "stock.analytics.aging.line")
        lines = self.env[action["res_model"]].search(action["domain"])
        self.assertEqual(
            sorted(
                (
                    line.warehouse_id.code,
                    line.bucket,
                    line.quantity,
                    round(line.value, 2),
                )
                for line in lines
            ),
            [
                ("AN1", "31-60", 5.0, 32.0),
                ("AN1", "91-180", 5.0, 30.0),
                ("AN2", "0-30", 3.0, 21.0),
            ],
        )
        self.assertEqual(lines.categ_id, self.categ_fifo)
        self.assertEqual(lines.company_id, self.company)

    def test_xlsx_aging(self):
        content = self._export(self._wizard())
        book = openpyxl.load_workbook(BytesIO(content))
        self.assertEqual(book.sheetnames, ["Stock Aging", "Stock Aging Totals"])
        sheet = book["Stock Aging"]
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet.auto_filter.ref, "A1:N3")
        header = [cell.value for cell in sheet[1]]
        self.assertEqual(
            header[:6],
            ["Product", "Warehouse", "Quantity", "Value", "0-30 Qty", "0-30 Value"],
        )
        self.assertEqual(header[-1], "over 180 Value")
        rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
        self.assertEqual(
            rows["Analytics 1"][:4], (self.product.display_name, "Analytics 1", 10, 62)
        )
        self.assertEqual(rows["Analytics 1"][4:10], (0, 0, 5, 32, 0, 0))
        self.assertEqual(rows["Analytics 2"][2:6], (3, 21, 3, 21))
        self.assertEqual(sheet["C2"].data_type, "n")
        self.assertEqual(sheet["D2"].number_format, "#,##0.00")
        totals = book["Stock Aging Totals"]
        self.assertEqual(
            [
                tuple(r)
                for r in totals.iter_rows(min_row=2, max_row=3, values_only=True)
            ],
            [("0-30", 21), ("31-60", 32)],
        )
        with zipfile.ZipFile(BytesIO(content)) as archive:
            charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
            self.assertEqual(len(charts), 1)
            self.assertIn(b"<c:barChart>", archive.read(charts[0]))

    def test_xlsx_trends_dates_and_chart(self):
        self._sell(self.product_std, self.wh_1, 2, 10.0, 3)
        wizard = self._wizard(
            "sales_trends", product_ids=[(6, 0, self.product_std.ids)], period="month"
        )
        book = openpyxl.load_workbook(BytesIO(self._export(wizard)))
        sheet = book["Sales Trends"]
        (row,) = sheet.iter_rows(min_row=2, values_only=True)
        period = self.today - timedelta(days=3)
        self.assertEqual(row[0].date(), date(period.year, period.month, 1))
        self.assertEqual(sheet["A2"].number_format, "yyyy-mm-dd")
        self.assertEqual(row[3:5], (2, 20))
        self.assertIn("Sales Trends Totals", book.sheetnames)

    def _sheet_values(self, content):
        book = openpyxl.load_workbook(BytesIO(content))
        return {
            name: [tuple(row) for row in book[name].iter_rows(values_only=True)]
            for name in book.sheetnames
        }

    def test_xlsx_streamed_by_chunks(self):
        """Rows are read and written chunk after chunk: one row per chunk
        gives the same sheets, chart totals included, as one chunk."""
        # in the week before the current one, whatever today's weekday: the
        # forecast's history ends with the last complete week
        days_ago = self.today.weekday() + 3
        self._sell(self.product, self.wh_2, 1, 10.0, days_ago)
        self._sell(self.product_std, self.wh_1, 1, 10.0, days_ago)
        products = self.product | self.product_std
        for report, count in (("aging", 3), ("sales_trends", 2), ("forecast", 3)):
            wizard = self._wizard(
                report, product_ids=[(6, 0, products.ids)], period="week"
            )
            whole = self._sheet_values(self._export(wizard))
            with patch.object(stock_analytics_mixin, "CHUNK_SIZE", 1):
                chunks = list(wizard._iter_rows())
                self.assertEqual([len(c) for c in chunks], [1] * len(chunks))
                self.assertEqual(
                    self.env["stock.analytics"]._collect(chunks), wizard._get_rows()
                )
                self.assertEqual(self._sheet_values(self._export(wizard)), whole)
            self.assertEqual(len(chunks), count)

    def test_query_settings_restored(self):
        """Report queries run with their own work_mem, planned for all their
        rows (not a cursor's first tenth), without JIT; the session's
        settings after."""
        cr = self.env.cr
        cr.execute(SETTINGS_QUERY)
        before = cr.fetchone()
        cr.execute(
            "SELECT set_config('work_mem', '5MB', TRUE), "
            "set_config('cursor_tuple_fraction', '0.2', TRUE), "
            "set_config('jit', 'on', TRUE)"
        )
        analytics = self.env["stock.analytics"]
        rows = analytics._fetch(
            SQL(
                "SELECT current_setting('work_mem') AS mem, "
                "current_setting('cursor_tuple_fraction') AS fraction, "
                "current_setting('jit') AS jit"
            )
        )
        self.assertEqual(
            rows, [{"mem": analytics._get_work_mem(), "fraction": "1", "jit": "off"}]
        )
        cr.execute(SETTINGS_QUERY)
        self.assertEqual(cr.fetchone(), ("5MB", "0.2", "on"))
        cr.execute(
            SQL(
                "SELECT set_config('work_mem', %s, TRUE), "
                "set_config('cursor_tuple_fraction', %s, TRUE), "
                "set_config('jit', %s, TRUE)",
                *before,
            )
        )

    def test_bounded_results_read_without_a_cursor(self):
        """Rows of any number come through a server-side cursor; results of
        bounded size (ABC/XYZ, the unit costs) are read without one, where
        PostgreSQL may plan parallel scans."""
        analytics = self.env["stock.analytics"]
        count = SQL("SELECT COUNT(*) AS cursors FROM pg_cursors")
        ((streamed,),) = list(analytics._iter_query(count, dicts=False))
        self.assertEqual(streamed, (1,))
        self.assertEqual(analytics._fetch(count), [{"cursors": 0}])
        unit_cost = analytics._get_unit_cost_sql(
            date.today() + timedelta(days=1),
            SQL("svl.product_id = %s", self.product.id),
        )
        self.assertNotIn("stock_valuation_layer", unit_cost.code)
        rows = analytics._fetch(unit_cost, dicts=False)
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][:2], (self.product.id, self.company.id))

    def test_xlsx_leaves_no_record_cache(self):
        """The export empties the cache after each chunk's display names:
        a product's name also caches its template's fields, which the
        products' invalidation alone leaves."""
        template = self.product.product_tmpl_id
        self._export(self._wizard())
        self.assertFalse(self.env.cache.contains(template, template._fields["name"]))
        self.assertFalse(
            self.env.cache.contains(self.product, self.product._fields["display_name"])
        )

    def test_xlsx_workbook_options(self):
        """Constant memory on top of report_xlsx's options."""
        options = self.env[
            "report.stock_analytics.report_stock_analytics_xlsx"
        ].get_workbook_options()
        self.assertTrue(options["constant_memory"])
        self.assertTrue(options["nan_inf_to_errors"])

    def test_rows_collected_with_the_collector_paused(self):
        """The RPC rows are built with Python's cyclic garbage collector
        disabled (full collections walked the whole heap as the rows piled
        up), and it is enabled again after, even when a report fails."""
        states = []

        def chunks():
            states.append(gc.isenabled())
            yield [{"figure": None}]
            states.append(gc.isenabled())

        self.assertTrue(gc.isenabled())
        self.assertEqual(self.analytics._collect(chunks()), [{"figure": False}])
        self.assertEqual(states, [False, False])
        self.assertTrue(gc.isenabled())

        def failing():
            yield [{}]
            raise ValueError("broken")

        with self.assertRaises(ValueError):
            self.analytics._collect(failing())
        self.assertTrue(gc.isenabled())
