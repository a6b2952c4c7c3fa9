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
NAMED = {
    "product": "product.product",
    "warehouse": "stock.warehouse",
    "location": "stock.location",
}


class StockAnalyticsXlsx(models.AbstractModel):
    """Analytics reports as XLSX, written in constant-memory mode: typed
    cells with number formats, a frozen header, an autofilter, and a native
    chart of the totals on the aging and trend sheets."""

    _name = "report.stock_analytics.report_stock_analytics_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Inventory Analytics XLSX Report"

    def get_workbook_options(self):
        """Rows are streamed to disk: memory does not grow with the rows."""
        return {"constant_memory": True, "remove_timezone": True}

    def generate_xlsx_report(self, workbook, data, objs):
        """One sheet per wizard: its report's rows for its filters."""
        formats = {kind: workbook.add_format(spec) for kind, spec in FORMATS.items()}
        formats["header"] = workbook.add_format({"bold": True, "bottom": 1})
        for wizard in objs:
            self._write_report(workbook, formats, wizard.report, wizard._get_rows())

    def _write_report(self, workbook, formats, report, rows):
        """Write ``rows`` of ``report`` on a new sheet (and its chart)."""
        columns, rows = self._get_sheet_columns(report, rows)
        names = self._get_names(columns, rows)
        sheet = workbook.add_worksheet(self._get_sheet_title(report))
        for col, (__, header, __kind) in enumerate(columns):
            sheet.write_string(0, col, header, formats["header"])
            sheet.set_column(col, col, 28 if __kind in NAMED else 14)
        sheet.freeze_panes(1, 0)
        for index, row in enumerate(rows, start=1):
            self._write_row(sheet, index, columns, row, names, formats)
        sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
        chart = self._get_chart_spec(report, columns, rows)
        if chart:
            self._add_chart(workbook, sheet, len(columns) + 1, chart, formats)
        return sheet

    def _get_sheet_title(self, report):
        wizard = self.env["stock.analytics.wizard"]
        return dict(wizard._fields["report"]._description_selection(self.env))[report]

    def _get_sheet_columns(self, report, rows):
        """Columns of the sheet and rows flattened to them: aging buckets
        become columns, forecast periods rows."""
        first = self._flat(report, rows[0])[0] if rows else {}
        columns = [c for c in COLUMNS[report] if not rows or c[0] in first]
        if report == "aging" and rows:
            for index, bucket in enumerate(rows[0]["buckets"]):
                columns.append((f"bucket_qty_{index}", f"{bucket['label']} Qty", "qty"))
                columns.append(
                    (f"bucket_value_{index}", f"{bucket['label']} Value", "money")
                )
        return columns, [flat for row in rows for flat in self._flat(report, row)]

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

    def _get_names(self, columns, rows):
        """Display names of the records the rows refer to, one read per model."""
        names = {}
        for key, __, kind in columns:
            if kind in NAMED:
                ids = {row[key] for row in rows if row.get(key)}
                records = self.env[NAMED[kind]].browse(ids)
                names[key] = dict(
                    zip(records.ids, records.mapped("display_name"), strict=True)
                )
        return names

    def _write_row(self, sheet, index, columns, row, names, formats):
        """Write one row with a typed cell per column (blank when undefined:
        ``False``, see ``_to_rpc_rows``)."""
        for col, (key, __, kind) in enumerate(columns):
            value = row.get(key, False)
            if value is False:
                continue
            if kind in NAMED:
                sheet.write_string(index, col, names[key].get(value, ""))
            elif kind == "char":
                sheet.write_string(index, col, str(value))
            elif kind in ("date", "datetime"):
                sheet.write_datetime(index, col, value, formats[kind])
            else:
                sheet.write_number(index, col, value, formats[kind])

    def _get_chart_spec(self, report, columns, rows):
        """Totals charted on the aging (per bucket) and trend (per period)
        sheets: ``(chart type, categories, [(series name, values)])``, else
        ``None``."""
        if report == "aging" and rows:
            labels = [b["label"] for b in rows[0]["buckets"]]
            values = [
                sum(r["buckets"][i]["value"] for r in rows) for i in range(len(labels))
            ]
            return "column", labels, [("Value", values)]
        if report == "sales_trends" and rows:
            totals = {}
            for row in rows:
                period = row["period_start"]
                totals[period] = totals.get(period, 0.0) + row["revenue"]
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
