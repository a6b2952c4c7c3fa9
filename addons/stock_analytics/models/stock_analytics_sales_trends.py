from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.tools import SQL
from odoo.tools.date_utils import start_of

TREND_KEYS = {
    "product_id": SQL("sm.product_id"),
    "categ_id": SQL("pt.categ_id"),
    "warehouse_id": SQL("s.scope_id"),
}
# previous period and same period a year earlier, per period unit
TREND_OFFSETS = {
    "week": (SQL("interval '7 days'"), SQL("interval '364 days'")),
    "month": (SQL("interval '1 month'"), SQL("interval '1 year'")),
}


class StockAnalyticsSalesTrends(models.AbstractModel):
    _name = "stock.analytics.sales.trends"
    _inherit = "stock.analytics.mixin"
    _description = "Sales Trends Report"

    @api.model
    def get_sales_trends(self, **filters):
        """Sales trend rows as a list of dicts (RPC): see
        ``_iter_sales_trends`` for the keyword filters and the rows."""
        return self._collect(self._iter_sales_trends(**filters))

    @api.model
    def _iter_sales_trends(
        self,
        date_from=None,
        date_to=None,
        warehouse_ids=None,
        location_ids=None,
        category_ids=None,
        product_ids=None,
        period="month",
        group_by=("product_id", "warehouse_id"),
    ):
        """Delivered sales per ``period`` (``week`` or ``month``) between
        ``date_from`` and ``date_to``, grouped by any of ``product_id``,
        ``categ_id`` and ``warehouse_id``: done deliveries of sale order lines
        (net of returns), revenue at the line's price without taxes, in the
        company currency. Each row has ``period_start``, the keys,
        ``quantity``, ``revenue``, the same figures for the previous period
        (``previous_*``) and the same period a year earlier (``last_year_*``)
        and the growth ratios ``growth_*`` and ``yoy_growth_*`` (``False``
        when the reference is zero).
        """
        self._check_analytics_access()
        self._check_period(period)
        date_from, __, __, stop = self._get_period(date_from, date_to)
        keys = [key for key in TREND_KEYS if key in group_by]
        query = self._get_sales_trends_query(
            period,
            start_of(date_from, period),
            stop,
            keys,
            self._get_scope_sql("warehouse", warehouse_ids, location_ids),
            self._get_product_condition("sm", product_ids, category_ids),
        )
        yield from self._iter_query(query)

    @api.model
    def _get_sales_trends_query(self, period, first, stop, keys, scope_sql, products):
        """Sales per period (in the user's time zone) and keys from a year
        before ``first``, the start of the first period (whole periods, so
        that its previous and last-year references are complete), each
        period with its previous one and the same one a year earlier: the
        sales are read again shifted to the period they are the reference
        of, and grouped once. No self-join: PostgreSQL cannot estimate the
        rows of the grouped sales, and a nested loop over them would take
        their square. The growth ratios are computed here too (NULL when
        the reference is zero)."""
        previous, last_year = TREND_OFFSETS[period]
        return SQL(
            """
            WITH scope AS (%(scope)s),
            sales AS (
                SELECT date_trunc(%(period)s, %(date)s)::date AS period_start,
                       %(keys)s
                       SUM(CASE WHEN s.location_id = sm.location_id
                                THEN sm.product_qty ELSE -sm.product_qty END
                           )::float8 AS quantity,
                       SUM(CASE WHEN s.location_id = sm.location_id THEN 1 ELSE -1 END
                           * sm.quantity * sol.price_reduce_taxexcl
                           / COALESCE(NULLIF(so.currency_rate, 0), 1)
                       )::float8 AS revenue
                  FROM stock_move sm
                  JOIN sale_order_line sol ON sol.id = sm.sale_line_id
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN stock_location src ON src.id = sm.location_id
                  JOIN stock_location dst ON dst.id = sm.location_dest_id
                  -- the internal side of a delivery or a return, in one
                  -- equality (an OR of two could only be joined by a loop)
                  JOIN scope s ON s.location_id = CASE
                           WHEN dst.usage = 'customer' THEN sm.location_id
                           WHEN src.usage = 'customer' THEN sm.location_dest_id
                       END
                  %(product_joins)s
                 WHERE sm.state = 'done' AND %(products)s
                   AND sm.date >= %(since)s
                   AND sm.date < %(stop)s
              GROUP BY %(group)s
            )
            SELECT period_start, %(key_columns)s quantity, revenue,
                   COALESCE(previous_quantity, 0) AS previous_quantity,
                   COALESCE(previous_revenue, 0) AS previous_revenue,
                   COALESCE(last_year_quantity, 0) AS last_year_quantity,
                   COALESCE(last_year_revenue, 0) AS last_year_revenue,
                   (quantity - previous_quantity) / NULLIF(previous_quantity, 0)
                       AS growth_quantity,
                   (quantity - last_year_quantity) / NULLIF(last_year_quantity, 0)
                       AS yoy_growth_quantity,
                   (revenue - previous_revenue) / NULLIF(previous_revenue, 0)
                       AS growth_revenue,
                   (revenue - last_year_revenue) / NULLIF(last_year_revenue, 0)
                       AS yoy_growth_revenue
              FROM (
            SELECT period_start, %(key_columns)s
                   SUM(quantity) FILTER (WHERE ref = 0) AS quantity,
                   SUM(revenue) FILTER (WHERE ref = 0) AS revenue,
                   SUM(quantity) FILTER (WHERE ref = 1) AS previous_quantity,
                   SUM(revenue) FILTER (WHERE ref = 1) AS previous_revenue,
                   SUM(quantity) FILTER (WHERE ref = 2) AS last_year_quantity,
                   SUM(revenue) FILTER (WHERE ref = 2) AS last_year_revenue
              FROM (
                    SELECT sales.*, 0 AS ref FROM sales
                     WHERE period_start >= %(first)s
                    UNION ALL
                    SELECT (period_start + %(previous)s)::date, %(key_columns)s
                           quantity, revenue, 1
                      FROM sales WHERE period_start + %(previous)s >= %(first)s
                    UNION ALL
                    SELECT (period_start + %(last_year)s)::date, %(key_columns)s
                           quantity, revenue, 2
                      FROM sales WHERE period_start + %(last_year)s >= %(first)s
                   ) AS shifted
          GROUP BY period_start, %(key_list)s
            HAVING COUNT(*) FILTER (WHERE ref = 0) > 0
                   ) AS grouped
          ORDER BY period_start, %(key_list)s
            """,
            scope=scope_sql,
            # the product's template only for its category
            product_joins=SQL(
                """JOIN product_product pp ON pp.id = sm.product_id
                   JOIN product_template pt ON pt.id = pp.product_tmpl_id"""
            )
            if "categ_id" in keys
            else SQL(""),
            period=period,
            keys=self._get_group_select(TREND_KEYS, keys),
            group=self._get_group_by(TREND_KEYS, keys, SQL("1")),
            key_columns=SQL().join(SQL("%s, ", SQL.identifier(k)) for k in keys),
            # the keys' columns, to group and order by (1: the period alone)
            key_list=SQL(", ").join(map(SQL.identifier, keys)) or SQL("1"),
            products=products,
            date=self._get_local_sql(SQL("sm.date")),
            since=self._get_utc_start(first - relativedelta(years=1, days=7)),
            first=first,
            stop=stop,
            previous=previous,
            last_year=last_year,
        )
