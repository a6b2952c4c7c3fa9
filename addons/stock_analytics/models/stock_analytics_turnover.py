from odoo import api, models
from odoo.tools import SQL

TURNOVER_KEYS = {
    "product_id": SQL("b.product_id"),
    "categ_id": SQL("pt.categ_id"),
    "warehouse_id": SQL("b.scope_id"),
}


class StockAnalyticsTurnover(models.AbstractModel):
    _name = "stock.analytics.turnover"
    _inherit = "stock.analytics.mixin"
    _description = "Inventory Turnover Report"

    @api.model
    def get_turnover(self, **filters):
        """Turnover rows as a list of dicts (RPC): see ``_iter_turnover`` for
        the keyword filters and the rows."""
        return self._collect(self._iter_turnover(**filters))

    @api.model
    def _iter_turnover(
        self,
        date_from=None,
        date_to=None,
        warehouse_ids=None,
        location_ids=None,
        category_ids=None,
        product_ids=None,
        group_by=("product_id", "warehouse_id"),
    ):
        """Inventory turnover over ``[date_from, date_to]`` (default: the last
        365 days), grouped by any of ``product_id``, ``categ_id`` and
        ``warehouse_id``.

        Consumption is what leaves the warehouses to customers or production,
        net of returns: ``qty_out`` and its cost ``cogs`` (from the valuation
        layers). Average inventory is the mean of the opening and closing
        stock, in quantity and in value (at the average unit value of each
        date). Rows carry those figures and ``turnover_qty``,
        ``turnover_value``, ``days_of_inventory`` (value-based, else
        quantity-based) and ``sell_through`` (``qty_out`` over opening stock
        plus receipts); ratios are ``False`` when undefined.
        """
        self._check_analytics_access()
        date_from, date_to, start, stop = self._get_period(date_from, date_to)
        keys = [key for key in TURNOVER_KEYS if key in group_by]
        query = self._get_turnover_query(
            start,
            stop,
            keys,
            self._get_scope_sql("warehouse", warehouse_ids, location_ids),
            self._get_product_condition("sml", product_ids, category_ids),
            self._get_product_condition("svl", product_ids, category_ids),
        )
        days = (date_to - date_from).days + 1
        for chunk in self._iter_query(query):
            yield [self._prepare_turnover_row(row, days) for row in chunk]

    @api.model
    def _get_turnover_query(
        self, start, stop, keys, scope_sql, products, layer_products=None
    ):
        """Per product x warehouse: opening, closing, receipts and consumption
        from the move lines, cost of consumption from the layers of the same
        moves, the stock valued at both ends; summed over ``keys``.
        ``products`` and ``layer_products`` are the product filters on the
        move lines (``sml``) and on the valuation layers (``svl``)."""
        consumed = self._get_consumption_condition(start)
        per_row = set(keys) == {"product_id", "warehouse_id"}
        return SQL(
            """
            WITH scope AS (%(scope)s),
            flows AS (%(flows)s),
            base AS (
                SELECT product_id, scope_id, company_id,
                       SUM(qty) FILTER (WHERE date < %(start)s) AS opening,
                       SUM(qty) AS closing,
                       SUM(qty) FILTER (WHERE date >= %(start)s AND qty > 0)
                           AS qty_in,
                       -SUM(qty) FILTER (WHERE %(consumed)s) AS qty_out
                  FROM flows GROUP BY product_id, scope_id, company_id
            ),
            cogs AS (%(cogs)s),
            costs AS (%(costs)s)
            SELECT %(keys)s
                   %(sum)s(COALESCE(b.opening, 0))::float8 AS opening_qty,
                   %(sum)s(b.closing)::float8 AS closing_qty,
                   %(sum)s(COALESCE(b.qty_in, 0))::float8 AS qty_in,
                   %(sum)s(COALESCE(b.qty_out, 0))::float8 AS qty_out,
                   %(sum)s(COALESCE(c.value, 0))::float8 AS cogs,
                   %(sum)s(COALESCE(b.opening, 0) * COALESCE(uc.cost_start, 0))::float8
                       AS opening_value,
                   %(sum)s(b.closing * COALESCE(uc.cost_stop, 0))::float8
                       AS closing_value
              FROM base b
              JOIN product_product pp ON pp.id = b.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
         LEFT JOIN cogs c ON c.product_id = b.product_id AND c.scope_id = b.scope_id
         LEFT JOIN costs uc ON uc.product_id = b.product_id
                           AND uc.company_id = b.company_id
          %(group)s
          ORDER BY %(order)s
            """,
            scope=scope_sql,
            flows=self._get_flows_sql(products, stop),
            start=start,
            consumed=consumed,
            cogs=self._get_consumption_value_sql(
                SQL("SELECT * FROM flows WHERE %s", consumed),
                ("product_id", "scope_id"),
            ),
            costs=self._get_unit_costs_sql(start, stop, layer_products or SQL("TRUE")),
            keys=self._get_group_select(TURNOVER_KEYS, keys),
            # a row of base per product and warehouse (of one company): per
            # product and warehouse, its rows are the result as they are
            sum=SQL("") if per_row else SQL("SUM"),
            group=SQL("")
            if per_row
            else SQL("GROUP BY %s", self._get_group_by(TURNOVER_KEYS, keys)),
            order=self._get_group_by(TURNOVER_KEYS, keys) if keys else SQL("1"),
        )

    @api.model
    def _get_unit_costs_sql(self, start, stop, product_condition):
        """``costs(product_id, company_id, cost_start, cost_stop)``: the
        average unit value (see ``_get_unit_cost_sql``) at both ends of the
        period, in one pass over the valuation layers of the products of
        ``product_condition`` (on ``svl``): the filters of the report, not
        the products found in its flows, whose number PostgreSQL cannot
        estimate (it would probe the layers product by product)."""
        return SQL(
            """
            SELECT svl.product_id, svl.company_id,
                   SUM(svl.value) FILTER (WHERE svl.create_date < %(start)s)
                   / NULLIF(SUM(svl.quantity) FILTER (
                       WHERE svl.create_date < %(start)s), 0) AS cost_start,
                   SUM(svl.value) / NULLIF(SUM(svl.quantity), 0) AS cost_stop
              FROM stock_valuation_layer svl
             WHERE svl.create_date < %(stop)s AND svl.company_id = ANY(%(companies)s)
               AND %(products)s
          GROUP BY svl.product_id, svl.company_id
            """,
            start=start,
            stop=stop,
            companies=self.env.companies.ids,
            products=product_condition,
        )

    @api.model
    def _prepare_turnover_row(self, row, days):
        """Add the ratios to the summed figures of a turnover row."""
        avg_qty = (row["opening_qty"] + row["closing_qty"]) / 2
        avg_value = (row["opening_value"] + row["closing_value"]) / 2
        available = row["opening_qty"] + row["qty_in"]
        turnover_qty = row["qty_out"] / avg_qty if avg_qty > 0 else None
        turnover_value = row["cogs"] / avg_value if avg_value > 0 else None
        turnover = turnover_value or turnover_qty
        row.update(
            average_qty=avg_qty,
            average_value=avg_value,
            turnover_qty=turnover_qty,
            turnover_value=turnover_value,
            days_of_inventory=days / turnover if turnover else None,
            sell_through=row["qty_out"] / available if available > 0 else None,
        )
        return row
