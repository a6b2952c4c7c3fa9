from odoo import api, models
from odoo.tools import SQL


class StockAnalyticsDeadStock(models.AbstractModel):
    _name = "stock.analytics.dead.stock"
    _inherit = "stock.analytics.mixin"
    _description = "Dead Stock Report"

    @api.model
    def get_dead_stock(self, **filters):
        """Dead stock rows as a list of dicts (RPC): see ``_iter_dead_stock``
        for the keyword filters and the rows."""
        return self._collect(self._iter_dead_stock(**filters))

    @api.model
    def _iter_dead_stock(
        self,
        warehouse_ids=None,
        location_ids=None,
        category_ids=None,
        product_ids=None,
        days=90,
    ):
        """Stock on hand today with no outgoing move for ``days`` days, per
        product and internal location. Idle time runs from the last done move
        out of the location, or from the oldest stock there (the quants'
        ``in_date``) when nothing ever left it. Rows: ``product_id``,
        ``location_id``, ``warehouse_id``, ``quantity``, ``value`` (at the
        average unit value), ``last_outgoing_date`` and ``idle_days``.
        """
        self._check_analytics_access()
        today, stop = self._get_at()
        query = self._get_dead_stock_query(
            today,
            stop,
            days,
            self._get_scope_sql("location", warehouse_ids, location_ids),
            self._get_product_condition("q", product_ids, category_ids),
            self._get_product_condition("svl", product_ids, category_ids),
        )
        yield from self._iter_query(query)

    @api.model
    def _get_dead_stock_query(
        self, today, stop, days, scope_sql, products, layer_products
    ):
        """Quants per product x location with the date of the last move line
        out of that location for the same product: one probe per row of the
        dead stock index (see ``stock.move.line.init``), in the index's order
        (product, location): probes in a random order read a random page of
        the index each (4 us instead of 1 us at 5 million moves). The unit
        costs are read from the valuation layers of the report's product
        filters (``layer_products``), not of an IN over the stock on hand,
        whose products PostgreSQL cannot count: it then probed the layers
        one product at a time, a random heap read per layer. They join the
        quants before these are grouped, whose rows PostgreSQL counts, not
        the grouped rows, which it underestimates (a third of them at 5
        million moves): it sorted those again for a merge join with the
        costs (2.6 s instead of 2.2 s)."""
        return SQL(
            """
            WITH scope AS (%(scope)s),
            unit_cost AS (%(unit_cost)s),
            onhand AS (
                SELECT q.product_id, q.location_id, s.company_id,
                       SUM(q.quantity) AS quantity, MIN(q.in_date) AS in_date,
                       MIN(uc.cost) AS cost
                  FROM stock_quant q JOIN scope s ON s.location_id = q.location_id
             LEFT JOIN unit_cost uc ON uc.product_id = q.product_id
                                   AND uc.company_id = s.company_id
                 WHERE %(products)s
              GROUP BY q.product_id, q.location_id, s.company_id
                HAVING SUM(q.quantity) > 0
              ORDER BY q.product_id, q.location_id
            )
            SELECT o.product_id, o.location_id, loc.warehouse_id,
                   o.quantity::float8 AS quantity,
                   (o.quantity * COALESCE(o.cost, 0))::float8 AS value,
                   lo.date AS last_outgoing_date,
                   %(today)s::date - %(last)s::date AS idle_days
              FROM onhand o
              JOIN stock_location loc ON loc.id = o.location_id
         LEFT JOIN LATERAL (
                SELECT MAX(sml.date) AS date
                  FROM stock_move_line sml
                 WHERE sml.product_id = o.product_id
                   AND sml.location_id = o.location_id
                   AND sml.state = 'done'
                   AND sml.location_dest_id <> sml.location_id
                   ) lo ON TRUE
             WHERE %(today)s::date - %(last)s::date >= %(days)s
          ORDER BY idle_days DESC, o.product_id, o.location_id
            """,
            scope=scope_sql,
            products=products,
            unit_cost=self._get_unit_cost_sql(stop, layer_products),
            today=today,
            last=self._get_local_sql(SQL("COALESCE(lo.date, o.in_date)")),
            days=days,
        )
