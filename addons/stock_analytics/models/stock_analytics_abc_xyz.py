from odoo import api, models
from odoo.tools import SQL

from ..lib.classification import (
    DEFAULT_ABC_CUTOFFS,
    DEFAULT_XYZ_CUTOFFS,
    abc_classes,
    coefficient_of_variation,
    xyz_class,
)


class StockAnalyticsAbcXyz(models.AbstractModel):
    _name = "stock.analytics.abc.xyz"
    _inherit = "stock.analytics.mixin"
    _description = "ABC / XYZ Classification Report"

    @api.model
    def get_abc_xyz(self, **filters):
        """ABC / XYZ rows as a list of dicts (RPC): see ``_iter_abc_xyz`` for
        the keyword filters and the rows."""
        return self._collect(self._iter_abc_xyz(**filters))

    @api.model
    def _iter_abc_xyz(
        self,
        date_from=None,
        date_to=None,
        warehouse_ids=None,
        location_ids=None,
        category_ids=None,
        product_ids=None,
        abc_cutoffs=DEFAULT_ABC_CUTOFFS,
        xyz_cutoffs=DEFAULT_XYZ_CUTOFFS,
    ):
        """ABC x XYZ classification of the products consumed between
        ``date_from`` and ``date_to`` (default: the last 365 days).

        ABC ranks by consumption value (cost of what left the warehouses to
        customers or production, net of returns, from the valuation layers)
        with cumulative share cut-offs ``abc_cutoffs``; XYZ by the coefficient
        of variation of the monthly consumed quantity (months of the user's
        time zone; months without demand count as zero) with cut-offs
        ``xyz_cutoffs``. The classes depend on all the products: the rows
        come in one chunk. Rows: ``product_id``,
        ``consumption_value``, ``share``, ``cumulative_share``, ``abc_class``,
        ``demand_mean``, ``demand_cv``, ``xyz_class`` and ``abc_xyz``.
        """
        self._check_analytics_access()
        date_from, date_to, start, stop = self._get_period(date_from, date_to)
        query = self._get_abc_xyz_query(
            date_from,
            start,
            stop,
            self._get_scope_sql("warehouse", warehouse_ids, location_ids),
            self._get_product_condition("sml", product_ids, category_ids),
        )
        months = (date_to.year - date_from.year) * 12 + date_to.month - date_from.month
        yield self._prepare_abc_xyz_rows(
            self._fetch(query), months + 1, abc_cutoffs, xyz_cutoffs
        )

    @api.model
    def _get_abc_xyz_query(self, date_from, start, stop, scope_sql, products):
        """Per product: consumption value and the consumed quantity of each
        month (as an array indexed from the first month of the period)."""
        return SQL(
            """
            WITH scope AS (%(scope)s),
            flows AS (%(flows)s),
            consumed AS (
                SELECT product_id, move_id, -qty AS qty,
                       (EXTRACT(YEAR FROM %(date)s) * 12
                        + EXTRACT(MONTH FROM %(date)s))::int
                       - %(first_month)s AS month
                  FROM flows
                 WHERE %(consumed)s
            ),
            monthly AS (
                SELECT product_id, month, SUM(qty) AS qty
                  FROM consumed GROUP BY product_id, month
            ),
            valued AS (%(valued)s)
            SELECT m.product_id, COALESCE(MAX(v.value), 0) AS value,
                   array_agg(m.month) AS months, array_agg(m.qty) AS quantities
              FROM monthly m LEFT JOIN valued v ON v.product_id = m.product_id
          GROUP BY m.product_id
            """,
            scope=scope_sql,
            flows=self._get_flows_sql(products, stop, start),
            consumed=self._get_consumption_condition(start),
            valued=self._get_consumption_value_sql(
                SQL("SELECT * FROM consumed"), ("product_id",)
            ),
            date=self._get_local_sql(SQL("date")),
            first_month=date_from.year * 12 + date_from.month,
        )

    @api.model
    def _prepare_abc_xyz_rows(self, records, months, abc_cutoffs, xyz_cutoffs):
        """Classify the products with the plain-Python rules of ``lib``."""
        abc = abc_classes({r["product_id"]: r["value"] for r in records}, abc_cutoffs)
        rows = []
        for rec in records:
            series = [0.0] * months
            for month, qty in zip(rec["months"], rec["quantities"], strict=True):
                series[month] += qty
            cv = coefficient_of_variation(series)
            abc_class, share, cumulated = abc[rec["product_id"]]
            xyz = xyz_class(cv, xyz_cutoffs)
            rows.append(
                {
                    "product_id": rec["product_id"],
                    "consumption_value": rec["value"],
                    "share": share,
                    "cumulative_share": cumulated,
                    "abc_class": abc_class,
                    "demand_mean": sum(series) / months,
                    "demand_cv": cv,
                    "xyz_class": xyz,
                    "abc_xyz": abc_class + xyz,
                }
            )
        return sorted(rows, key=lambda r: (r["abc_class"], -r["consumption_value"]))
