import itertools
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from odoo import models

# (row key, header, cell kind) per report; kinds pick the writer and format
COLUMNS = {
    "turnover": [
        ("product_id", "Product", "product"),
        ("warehouse_id", "Warehouse", "warehouse"),
        ("opening_qty", "Opening Qty", "qty"),
        ("closing_qty", "Closing Qty", "qty"),
        ("qty_in", "Received", "qty"),
        ("qty_out", "Consumed", "qty"),
        ("cogs", "Cost of Goods Out", "money"),
        ("average_value", "Average Value", "money"),
        ("turnover_qty", "Turnover (Qty)", "number"),
        ("turnover_value", "Turnover (Cost)", "number"),
        ("days_of_inventory", "Days of Inventory", "number"),
        ("sell_through", "Sell-through", "ratio"),
    ],
    "aging": [
        ("product_id", "Product", "product"),
        ("warehouse_id", "Warehouse", "warehouse"),
        ("location_id", "Location", "location"),
        ("quantity", "Quantity", "qty"),
        ("value", "Value", "money"),
    ],
    "sales_trends": [
        ("period_start", "Period", "date"),
        ("product_id", "Product", "product"),
        ("warehouse_id", "Warehouse", "warehouse"),
        ("quantity", "Quantity", "qty"),
        ("revenue", "Revenue", "money"),
        ("previous_quantity", "Previous Qty", "qty"),
        ("growth_quantity", "Growth (Qty)", "ratio"),
        ("growth_revenue", "Growth (Revenue)", "ratio"),
        ("last_year_quantity", "Last Year Qty", "qty"),
        ("yoy_growth_quantity", "YoY Growth (Qty)", "ratio"),
        ("yoy_growth_revenue", "YoY Growth (Revenue)", "ratio"),
    ],
    "abc_xyz": [
        ("product_id", "Product", "product"),
        ("consumption_value", "Consumption Value", "money"),
        ("share", "Share", "ratio"),
        ("cumulative_share", "Cumulative Share", "ratio"),
        ("abc_class", "ABC", "char"),
        ("demand_mean", "Mean Demand", "qty"),
        ("demand_cv", "Demand CV", "number"),
        ("xyz_class", "XYZ", "char"),
        ("abc_xyz", "ABC / XYZ", "char"),
    ],
    "dead_stock": [
        ("product_id", "Product", "product"),
        ("warehouse_id", "Warehouse", "warehouse"),
        ("location_id", "Location", "location"),
        ("quantity", "Quantity", "qty"),
        ("value", "Value", "money"),
        ("last_outgoing_date", "Last Outgoing", "datetime"),
        ("idle_days", "Idle Days", "int"),
    ],
    "forecast": [
        ("product_id", "Product", "product"),
        ("warehouse_id", "Warehouse", "warehouse"),
        ("period_start", "Period", "date"),
        ("quantity", "Forecast", "qty"),
        ("method", "Method", "char"),
        ("mase", "MASE", "number"),
        ("mape", "MAPE", "ratio"),
    ],
}
FORMATS = {
    "qty": {"num_format": "#,##0.00"},
    "money": {"num_format": "#,##0.00"},
    "number": {"num_format": "0.00"},
    "ratio": {"num_format": "0.0%"},
    "int": {"num_format": "0"},
    "date": {"num_format": "yyyy-mm-dd"},
    "datetime": {"num_format": "yyyy-mm-dd hh:mm"},
}
# Day 0 of Excel's 1900 date system for the dates from 1 March 1900 on (its
# 1900 leap day shifts the earlier ones; xlsxwriter converts them the same way)
EXCEL_EPOCH = datetime(1899, 12, 30)
ONE_DAY = timedelta(days=1)
NAMED = {
    "product": "product.product",
    "warehouse": "stock.warehouse",
    "location": "stock.location",
}


class StockAnalyticsXlsx(models.AbstractModel):
    """Analytics reports as XLSX, streamed: the report's rows come in chunks
    from a server-side cursor and each row is written when it comes, in
    xlsxwriter's constant-memory mode, so memory does not grow with the
    rows. Typed cells with number formats, a frozen header, an autofilter,
    and a native chart of the totals on the aging and trend sheets."""

    _name = "report.stock_analytics.report_stock_analytics_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Inventory Analytics XLSX Report"

    def get_workbook_options(self):
        """Constant memory: each row goes to a temporary file once the next
        one starts (rows must be written in order). Undefined ratios
        (infinite) become Excel errors (``#DIV/0!``) instead of failing."""
        options = super().get_workbook_options()
        options.update(
            constant_memory=True, remove_timezone=True, nan_inf_to_errors=True
        )
        return options

    def generate_xlsx_report(self, workbook, data, objs):
        """One sheet per wizard: its report's rows for its filters."""
        formats = {kind: workbook.add_format(spec) for kind, spec in FORMATS.items()}
        formats["header"] = workbook.add_format({"bold": True, "bottom": 1})
        for wizard in objs:
            self._write_report(workbook, formats, wizard.report, wizard._iter_rows())

    def _write_report(self, workbook, formats, report, chunks):
        """Write the rows of ``chunks`` (lists of rows of ``report``) on a new
        sheet, then its chart; the first chunk sets the columns."""
        chunks = iter(chunks)
        first = next(chunks, [])
        columns = self._get_sheet_columns(report, first[0] if first else None)
        sheet = workbook.add_worksheet(self._get_sheet_title(report))
        for col, (__, header, kind) in enumerate(columns):
            sheet.write_string(0, col, header, formats["header"])
            sheet.set_column(col, col, 28 if kind in NAMED else 14)
        sheet.freeze_panes(1, 0)
        writers = self._get_cell_writers(sheet, columns, formats)
        totals, last = {}, 0
        for chunk in itertools.chain([first], chunks):
            rows = [flat for row in chunk for flat in self._flat(report, row)]
            self._update_names(writers, rows)
            last = self._write_rows(writers, last, rows)
            self._add_chart_totals(report, totals, chunk)
        sheet.autofilter(0, 0, max(last, 1), len(columns) - 1)
        chart = self._get_chart_spec(report, totals)
        if chart:
            self._add_chart(workbook, sheet, len(columns) + 1, chart, formats)
        return sheet

    def _get_sheet_title(self, report):
        wizard = self.env["stock.analytics.wizard"]
        return dict(wizard._fields["report"]._description_selection(self.env))[report]

    def _get_sheet_columns(self, report, row):
        """Columns of the sheet for the first report ``row`` (all of them
        without rows): aging buckets become columns, forecast periods rows."""
        if row is None:
            return COLUMNS[report]
        first = self._flat(report, row)[0]
        columns = [c for c in COLUMNS[report] if c[0] in first]
        if report == "aging":
            for index, bucket in enumerate(row["buckets"]):
                columns.append((f"bucket_qty_{index}", f"{bucket['label']} Qty", "qty"))
                columns.append(
                    (f"bucket_value_{index}", f"{bucket['label']} Value", "money")
                )
        return columns

    def _flat(self, report, row):
        """The sheet rows of one report row."""
        if report == "aging":
            flat = dict(row)
            for index, bucket in enumerate(row["buckets"]):
                flat[f"bucket_qty_{index}"] = bucket["quantity"]
                flat[f"bucket_value_{index}"] = bucket["value"]
            return [flat]
        if report == "forecast":
            return [dict(row, **f) for f in row["forecast"]]
        return [row]

    def _get_cell_writers(self, sheet, columns, formats):
        """Per column: ``(col, key, write, format, names)``, the typed
        xlsxwriter method of its kind and, for records, the display names
        by id (filled chunk by chunk, see ``_update_names``) with the model
        they come from. The methods are xlsxwriter's undecorated ones
        (``_write_number`` is what ``write_number`` calls once it has
        checked whether its cell is given in A1 notation): that check per
        cell is 7 % of xlsxwriter's instructions per row of an export, whose
        cells are all given by row and column."""
        writers = []
        for col, (key, __, kind) in enumerate(columns):
            if kind in NAMED:
                names = ({}, NAMED[kind])
                write = sheet._write_string
            elif kind == "char":
                names, write = None, sheet._write_string
            elif kind == "date":
                names, write = None, sheet._write_datetime
            elif kind == "datetime":
                names, write = None, self._get_local_datetime_writer(sheet)
            else:
                names, write = None, sheet._write_number
            writers.append((col, key, write, formats.get(kind), names))
        return writers

    def _get_local_datetime_writer(self, sheet):
        """A writer of stored (naive UTC) datetimes in the user's time zone,
        where the reports cut their days, weeks and months, as the serial
        number of Excel that xlsxwriter's ``_write_datetime`` computes, with
        the cell's date format: one subtraction, where xlsxwriter's
        conversion checks the value's type and time zone in Python for each
        cell (a fifth of the cost of a datetime cell, 3 % of a dead stock
        export)."""
        tz = ZoneInfo(self.env["stock.analytics"]._get_tz())
        write_number = sheet._write_number

        def write(row, col, value, cell_format):
            local = value.replace(tzinfo=timezone.utc).astimezone(tz)
            serial = (local.replace(tzinfo=None) - EXCEL_EPOCH) / ONE_DAY
            return write_number(row, col, serial, cell_format)

        return write

    def _update_names(self, writers, rows):
        """Read the display names of the records of ``rows`` not read yet,
        one read per model, then empty the cache (exports are big): a
        product's name prefetches the fields of its template too, which
        other records' invalidation leaves (30 MB for 20,000 products)."""
        for __, key, __, __, names in writers:
            if names is None:
                continue
            known, model = names
            ids = {row[key] for row in rows if row.get(key)} - known.keys()
            records = self.env[model].browse(ids)
            known.update(zip(records.ids, records.mapped("display_name"), strict=True))
        self.env.invalidate_all()

    def _write_rows(self, writers, last, rows):
        """Write ``rows`` after row ``last`` (the header is row 0) with a
        typed cell per column, none when undefined; return the last row."""
        for row in rows:
            last += 1
            for col, key, write, cell_format, names in writers:
                value = row.get(key)
                if value is None or value is False:
                    continue
                if names is not None:
                    value = names[0].get(value, "")
                write(last, col, value, cell_format)
        return last

    def _add_chart_totals(self, report, totals, rows):
        """Sum the charted figure of ``rows`` into ``totals`` by category:
        the value per age bucket (aging), the revenue per period (trends)."""
        if report == "aging":
            for row in rows:
                for bucket in row["buckets"]:
                    label = bucket["label"]
                    totals[label] = totals.get(label, 0.0) + bucket["value"]
        elif report == "sales_trends":
            for row in rows:
                period = row["period_start"]
                totals[period] = totals.get(period, 0.0) + (row["revenue"] or 0.0)

    def _get_chart_spec(self, report, totals):
        """Totals charted on the aging (per bucket) and trend (per period)
        sheets: ``(chart type, categories, [(series name, values)])``, else
        ``None``."""
        if report == "aging" and totals:
            return "column", list(totals), [("Value", list(totals.values()))]
        if report == "sales_trends" and totals:
            periods = sorted(totals)
            return (
                "line",
                [p.isoformat() for p in periods],
                [("Revenue", [totals[p] for p in periods])],
            )
        return None

    def _add_chart(self, workbook, sheet, column, spec, formats):
        """Write the totals on their own sheet and chart them natively on
        the report sheet (constant memory: rows are written in order)."""
        chart_type, categories, series = spec
        totals = workbook.add_worksheet(f"{sheet.name[:24]} Totals")
        totals.write_string(0, 0, "", formats["header"])
        for col, (name, __) in enumerate(series, start=1):
            totals.write_string(0, col, name, formats["header"])
        for index, category in enumerate(categories, start=1):
            totals.write_string(index, 0, category)
            for col, (__, values) in enumerate(series, start=1):
                totals.write_number(index, col, values[index - 1], formats["money"])
        chart = workbook.add_chart({"type": chart_type})
        last = len(categories)
        for col, (name, __) in enumerate(series, start=1):
            chart.add_series(
                {
                    "name": name,
                    "categories": [totals.name, 1, 0, last, 0],
                    "values": [totals.name, 1, col, last, col],
                }
            )
        chart.set_title({"name": sheet.name})
        sheet.insert_chart(1, column, chart)
