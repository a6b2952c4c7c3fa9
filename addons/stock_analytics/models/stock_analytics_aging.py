from odoo import api, models
from odoo.tools import SQL

DEFAULT_BUCKETS = (30, 60, 90, 180)


class StockAnalyticsAging(models.AbstractModel):
    _name = "stock.analytics.aging"
    _inherit = "stock.analytics.mixin"
    _description = "Stock Aging Report"

    @api.model
    def get_aging(self, **filters):
        """Aging rows as a list of dicts (RPC): see ``_iter_aging`` for the
        keyword filters and the rows."""
        return self._collect(self._iter_aging(**filters))

    @api.model
    def _iter_aging(
        self,
        at_date=None,
        warehouse_ids=None,
        location_ids=None,
        category_ids=None,
        product_ids=None,
        buckets=DEFAULT_BUCKETS,
        scope="warehouse",
    ):
        """Stock on hand at ``at_date`` (default today) per product and
        warehouse (``scope="warehouse"``) or internal location
        (``scope="location"``), aged first in first out over the done moves
        into the scope: the quantity on hand is the most recent arrivals
        (receipts, inventory adjustments, transfers from elsewhere).

        ``buckets`` are the inclusive upper limits in days of all buckets but
        the last. With ``scope="warehouse"``, ``location_ids`` selects the
        warehouses of those locations. Rows: ``product_id``, ``warehouse_id``,
        ``location_id`` (with ``scope="location"``), ``quantity``, ``value``
        and ``buckets``: a list of ``{label, min_days, max_days, quantity,
        value}``.
        """
        self._check_analytics_access()
        at_date, stop = self._get_at(at_date)
        bucket_defs = self._prepare_aging_buckets(buckets)
        query = self._get_aging_query(
            at_date,
            stop,
            bucket_defs,
            scope,
            self._get_aging_scope_ids(scope, warehouse_ids, location_ids),
            self._get_product_condition("sml", product_ids, category_ids),
            product_ids,
            self._get_product_condition("svl", product_ids, category_ids),
        )
        for chunk in self._iter_query(query):
            yield self._prepare_aging_rows(chunk, bucket_defs, scope)

    @api.model
    def _prepare_aging_buckets(self, limits):
        """Turn upper limits ``(30, 60)`` into ``0-30, 31-60, over 60``."""
        result, low = [], 0
        for high in sorted(limits):
            result.append({"label": f"{low}-{high}", "min_days": low, "max_days": high})
            low = high + 1
        label = self.env._("over %(days)s", days=low - 1) if result else "0+"
        result.append({"label": label, "min_days": low, "max_days": None})
        return result

    @api.model
    def _get_aging_scope_ids(self, scope, warehouse_ids, location_ids):
        """Scopes to report: the filtered locations, or their warehouses."""
        locations = self._get_scope_locations(warehouse_ids, location_ids)
        return locations.ids if scope == "location" else locations.warehouse_id.ids

    @api.model
    def _get_aging_query(
        self,
        at_date,
        stop,
        bucket_defs,
        scope,
        selected,
        products,
        product_ids=None,
        layer_products=None,
    ):
        """One query: on hand per product x scope and the arrivals that make
        it up (newest first, the oldest one partly), summed per age bucket.

        FIFO products are valued like their valuation layers: the company's
        incoming layers, newest first, cover its stock on hand; each arrival
        takes the cost of the layers at the same rank, newest first, so the
        total is the remaining value of the layers. Other products, and any
        quantity no layer covers, are valued at the average unit value. The
        ranks are taken over all the scopes of the companies, the rows are
        then restricted to the ``selected`` scopes. ``products`` and
        ``layer_products`` are the product filters on the move lines
        (``sml``) and on the valuation layers (``svl``): the layers are read
        for the products of the filters, not for those found on hand, whose
        number PostgreSQL cannot estimate (it would probe the layers product
        by product).
        """
        fifo = self._get_fifo_product_companies(product_ids)
        layer_products = layer_products or SQL("TRUE")
        return SQL(
            """
            WITH scope AS (%(scope)s),
            flows AS (%(flows)s),
            %(chunks)s,
            unit_cost AS (%(unit_cost)s),
            layers AS (
                SELECT svl.product_id, svl.company_id,
                       svl.value / svl.quantity AS cost,
                       SUM(svl.quantity) OVER (
                           PARTITION BY svl.product_id, svl.company_id
                           ORDER BY svl.create_date DESC, svl.id DESC
                       ) AS rank_end,
                       svl.quantity
                  FROM stock_valuation_layer svl
                 WHERE svl.quantity > 0 AND svl.create_date < %(stop)s
                   AND (svl.product_id, svl.company_id) IN (
                       SELECT * FROM unnest(%(fifo_products)s::int[],
                                            %(fifo_companies)s::int[]))
                   AND %(layer_products)s
            ),
            matched AS (
                SELECT c.line_id,
                       SUM(m.qty) AS qty, SUM(m.qty * l.cost) AS value
                  FROM chunks c
                  JOIN layers l ON l.product_id = c.product_id
                               AND l.company_id = c.company_id
                               AND l.rank_end - l.quantity < c.rank_end
                               AND l.rank_end > c.rank_end - c.qty,
               LATERAL (SELECT LEAST(c.rank_end, l.rank_end)
                               - GREATEST(c.rank_end - c.qty, l.rank_end - l.quantity)
                               AS qty) m
              GROUP BY c.line_id
            ),
            valued AS (
                SELECT c.product_id, c.scope_id, c.age, c.qty,
                       COALESCE(m.value, 0) + (c.qty - COALESCE(m.qty, 0))
                           * COALESCE(uc.cost, 0) AS value
                  FROM chunks c
             LEFT JOIN matched m ON m.line_id = c.line_id
             LEFT JOIN unit_cost uc ON uc.product_id = c.product_id
                                   AND uc.company_id = c.company_id
                 WHERE c.scope_id = ANY(%(selected)s)
            )
            SELECT v.product_id, v.scope_id, w.warehouse_id,
                   SUM(v.qty)::float8 AS quantity, SUM(v.value)::float8 AS value,
                   %(bucket_columns)s
              FROM valued v
              JOIN (SELECT DISTINCT scope_id, warehouse_id FROM scope) w
                ON w.scope_id = v.scope_id
          GROUP BY v.product_id, v.scope_id, w.warehouse_id
          ORDER BY v.product_id, v.scope_id
            """,
            scope=self._get_scope_sql(scope),
            flows=self._get_flows_sql(products, stop),
            chunks=self._get_aging_chunks_sql(at_date),
            unit_cost=self._get_unit_cost_sql(stop, layer_products),
            layer_products=layer_products,
            stop=stop,
            fifo_products=[product_id for product_id, __ in fifo],
            fifo_companies=[company_id for __, company_id in fifo],
            selected=selected,
            bucket_columns=self._get_aging_bucket_columns(bucket_defs),
        )

    @api.model
    def _get_aging_bucket_columns(self, bucket_defs):
        """``qty_<i>, value_<i>`` of each bucket: the sums of the
        arrivals of its ages (columns, not a join with the buckets and
        arrays: one grouping, and no array for the client to parse)."""
        columns = []
        for index, bucket in enumerate(bucket_defs):
            condition = SQL("v.age >= %s", bucket["min_days"])
            if bucket["max_days"] is not None:
                condition = SQL("%s AND v.age <= %s", condition, bucket["max_days"])
            for name in ("qty", "value"):
                columns.append(
                    SQL(
                        "COALESCE(SUM(%s) FILTER (WHERE %s), 0)::float8 AS %s",
                        SQL.identifier("v", name),
                        condition,
                        SQL.identifier(f"{name}_{index}"),
                    )
                )
        return SQL(", ").join(columns)

    @api.model
    def _get_aging_chunks_sql(self, at_date):
        """CTEs ``onhand`` (per product x scope) and ``chunks``: the arrivals
        still on hand with their quantity, age in days at ``at_date`` and
        ``rank_end``, their cumulated quantity, newest first, over the
        product's stock in the company."""
        return SQL(
            """
            onhand AS (
                SELECT product_id, scope_id, SUM(qty) AS qty
                  FROM flows GROUP BY product_id, scope_id
                HAVING SUM(qty) > 0.000001
            ),
            layered AS (
                SELECT f.product_id, f.scope_id, f.company_id, f.line_id, f.qty,
                       f.date, o.qty AS onhand,
                       SUM(f.qty) OVER (
                           PARTITION BY f.product_id, f.scope_id
                           ORDER BY f.date DESC, f.line_id DESC
                       ) AS cumulated
                  FROM flows f
                  JOIN onhand o ON o.product_id = f.product_id
                               AND o.scope_id = f.scope_id
                 WHERE f.qty > 0
            ),
            kept AS (
                SELECT product_id, scope_id, company_id, line_id, date,
                       LEAST(qty, onhand - (cumulated - qty)) AS qty,
                       %s::date - %s::date AS age
                  FROM layered WHERE cumulated - qty < onhand
            ),
            chunks AS (
                SELECT *, SUM(qty) OVER (
                           PARTITION BY product_id, company_id
                           ORDER BY date DESC, line_id DESC
                       ) AS rank_end
                  FROM kept
            )
            """,
            at_date,
            self._get_local_sql(SQL("date")),
        )

    @api.model
    def _get_fifo_product_companies(self, product_ids=None):
        """``(product_id, company_id)`` pairs of the allowed companies where
        the product's cost method is FIFO (a company-dependent setting): its
        arrivals in that company keep the unit cost of their own valuation
        layer. Limited to ``product_ids`` when given."""
        domain = [("categ_id.property_cost_method", "=", "fifo")]
        if product_ids:
            domain.append(("id", "in", list(product_ids)))
        Product = self.env["product.product"].with_context(active_test=False)
        return [
            (product_id, company.id)
            for company in self.env.companies
            for product_id in Product.with_company(company).search(domain).ids
        ]

    @api.model
    def _prepare_aging_rows(self, records, bucket_defs, scope):
        """One row per record (product x scope) with all the buckets, those
        without stock at zero."""
        key_name = "location_id" if scope == "location" else "warehouse_id"
        rows = []
        for rec in records:
            buckets = [
                dict(b, quantity=rec[f"qty_{index}"], value=rec[f"value_{index}"])
                for index, b in enumerate(bucket_defs)
            ]
            rows.append(
                {
                    "product_id": rec["product_id"],
                    "warehouse_id": rec["warehouse_id"],
                    key_name: rec["scope_id"],
                    "quantity": rec["quantity"],
                    "value": rec["value"],
                    "buckets": buckets,
                }
            )
        return rows
