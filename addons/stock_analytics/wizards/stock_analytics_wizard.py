from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError

REPORTS = [
    ("turnover", "Inventory Turnover"),
    ("aging", "Stock Aging"),
    ("sales_trends", "Sales Trends"),
    ("abc_xyz", "ABC / XYZ Classification"),
    ("dead_stock", "Dead Stock"),
    ("forecast", "Demand Forecast"),
]
LINE_MODELS = {
    "turnover": "stock.analytics.turnover.line",
    "aging": "stock.analytics.aging.line",
    "sales_trends": "stock.analytics.trend.line",
    "abc_xyz": "stock.analytics.abc.xyz.line",
    "dead_stock": "stock.analytics.dead.stock.line",
    "forecast": "stock.analytics.forecast.line",
}
# the options of stock.analytics.get_<report> besides the common filters
REPORT_OPTIONS = {
    "turnover": ("date_from", "date_to"),
    "aging": ("at_date", "buckets", "scope"),
    "sales_trends": ("date_from", "date_to", "period"),
    "abc_xyz": ("date_from", "date_to"),
    "dead_stock": ("days",),
    "forecast": ("at_date", "period", "history_periods", "periods"),
}


class StockAnalyticsWizard(models.TransientModel):
    """Filters of an analytics report; computes its lines for the list,
    pivot and graph views, or exports it to XLSX."""

    _name = "stock.analytics.wizard"
    _description = "Inventory Analytics Report"

    report = fields.Selection(REPORTS, required=True, default="aging")
    date_from = fields.Date(default=lambda self: self._default_date_from())
    date_to = fields.Date(default=fields.Date.context_today)
    at_date = fields.Date(default=fields.Date.context_today)
    warehouse_ids = fields.Many2many("stock.warehouse", string="Warehouses")
    location_ids = fields.Many2many(
        "stock.location", string="Locations", domain=[("usage", "=", "internal")]
    )
    category_ids = fields.Many2many("product.category", string="Product Categories")
    product_ids = fields.Many2many("product.product", string="Products")
    period = fields.Selection([("week", "Week"), ("month", "Month")], default="month")
    scope = fields.Selection(
        [("warehouse", "Warehouse"), ("location", "Location")], default="warehouse"
    )
    bucket_limits = fields.Char(
        default="30,60,90,180", help="Upper limits in days of the age buckets."
    )
    days = fields.Integer(string="Idle Days", default=90)
    history_periods = fields.Integer(default=24)
    periods = fields.Integer(string="Forecast Periods", default=3)

    def _default_date_from(self):
        return fields.Date.context_today(self) - timedelta(days=364)

    def _get_report_kwargs(self):
        """Keyword arguments of ``stock.analytics.get_<report>``."""
        self.ensure_one()
        kwargs = {
            "warehouse_ids": self.warehouse_ids.ids,
            "location_ids": self.location_ids.ids,
            "category_ids": self.category_ids.ids,
            "product_ids": self.product_ids.ids,
        }
        options = {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "at_date": self.at_date,
            "buckets": self._get_bucket_limits(),
            "scope": self.scope,
            "period": self.period,
            "days": self.days,
            "history_periods": self.history_periods,
            "periods": self.periods,
        }
        kwargs.update((key, options[key]) for key in REPORT_OPTIONS[self.report])
        return kwargs

    def _get_bucket_limits(self):
        """Parse the comma-separated bucket limits."""
        try:
            return [
                int(limit) for limit in (self.bucket_limits or "").split(",") if limit
            ]
        except ValueError as error:
            raise UserError(
                self.env._("Bucket limits are whole numbers of days: 30,60,90")
            ) from error

    def _get_rows(self):
        """Rows of the chosen report for the wizard's filters."""
        return getattr(self.env["stock.analytics"], f"get_{self.report}")(
            **self._get_report_kwargs()
        )

    def _iter_rows(self):
        """Rows of the chosen report for the wizard's filters, in chunks
        read from a server-side cursor (exports of any size)."""
        return getattr(self.env["stock.analytics"], f"_iter_{self.report}")(
            **self._get_report_kwargs()
        )

    def action_view(self):
        """Compute the lines and open them in list, pivot and graph views."""
        self.ensure_one()
        line_model = LINE_MODELS[self.report]
        self.env[line_model].search([("wizard_id", "=", self.id)]).unlink()
        self.env[line_model]._create_from_rows(self, self._get_rows())
        action = self.env["ir.actions.act_window"]._for_xml_id(
            f"stock_analytics.{line_model.replace('.', '_')}_action"
        )
        action["domain"] = [("wizard_id", "=", self.id)]
        action["display_name"] = dict(REPORTS)[self.report]
        return action

    def action_export_xlsx(self):
        """Download the report as an XLSX workbook."""
        self.ensure_one()
        return self.env.ref(
            "stock_analytics.stock_analytics_xlsx_report"
        ).report_action(self)
