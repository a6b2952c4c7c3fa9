"""Benchmark: stock_analytics reports against a plain SQL floor and Odoo.

Run on demand from the repository root, on a database where stock_analytics
is installed:

    python3 tests/bench/bench_analytics.py --db ims_test --moves 1000000 \
        --products 20000 --locations 50

It builds N done moves (with their move lines and valuation layers, a third
of the deliveries linked to sale order lines) over three years by SQL, then
times in the same transaction, for every report of ``stock.analytics``:
  * the report end to end (``get_*``, rows as dicts);
  * a plain SQL floor: the smallest query reading the same rows for the same
    key figure, written below;
  * Odoo's nearest native path where there is one: ``stock.quantity.history``
    (``qty_available`` at a date, per warehouse) and the valuation layer
    pivot (``_read_group`` of the layers at a date);
and the XLSX export of the dead stock report (rows per second from query
to closed file) against Odoo's list export (``export_data``) of the same
rows.
It prints times, ratios to the floor and Python peak memory (tracemalloc),
then rolls everything back.
"""

import argparse
import time
import tracemalloc
from contextlib import contextmanager
from datetime import datetime, timedelta

import odoo
from odoo import fields
from odoo.tools import SQL

YEARS = 3


@contextmanager
def measure(label, results):
    """Time the block and record its Python peak memory."""
    tracemalloc.start()
    try:
        start = time.perf_counter()
        yield
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    results[label] = (seconds, peak)
    print(f"{label:<46} {seconds:9.3f} s {peak:9.1f} MB")


def build(env, n_moves, n_products, n_locations):
    """Warehouses (5 internal locations each), products, N done moves with
    move lines and valuation layers, sale lines for a third of deliveries."""
    n_warehouses = max(1, n_locations // 5)
    warehouses = env["stock.warehouse"].create(
        [{"name": f"Bench WH {i}", "code": f"BA{i}"} for i in range(n_warehouses)]
    )
    env["stock.location"].create(
        [
            {"name": f"Bin {j}", "location_id": wh.lot_stock_id.id}
            for wh in warehouses
            for j in range(4)
        ]
    )
    locations = env["stock.location"].search(
        [("warehouse_id", "in", warehouses.ids), ("usage", "=", "internal")]
    )
    categ = env["product.category"].create(
        {"name": "Bench", "property_cost_method": "fifo"}
    )
    products = env["product.product"].create(
        [
            {"name": f"Bench {i}", "is_storable": True, "categ_id": categ.id}
            for i in range(n_products)
        ]
    )
    env.flush_all()
    insert_moves(env, n_moves, products, locations)
    insert_sale_lines(env, products)
    insert_quants(env)
    env.cr.execute(
        "ANALYZE stock_move, stock_move_line, stock_valuation_layer, stock_quant"
    )
    return warehouses, products


def insert_moves(env, n_moves, products, locations):
    """Moves, lines and layers in three statements (receipts 40 %,
    deliveries 45 %, adjustments 5 %, internal transfers 10 %)."""
    ref = env.ref
    start = datetime.now() - timedelta(days=365 * YEARS)
    env.cr.execute(
        SQL(
            """
            WITH params AS (
                SELECT g, random() AS kind, (random() * 19 + 1)::int AS qty,
                       (%(products)s::int[])[1 + floor(random() * %(np)s)::int]
                           AS product,
                       (%(locs)s::int[])[1 + floor(random() * %(nl)s)::int] AS loc,
                       (%(locs)s::int[])[1 + floor(random() * %(nl)s)::int] AS loc2,
                       %(start)s::timestamp + random() * %(span)s AS date
                  FROM generate_series(1, %(n)s) g
            )
            INSERT INTO stock_move (name, product_id, product_uom, product_uom_qty,
                                    product_qty, quantity, location_id,
                                    location_dest_id, company_id, state, date,
                                    procure_method, picked, price_unit)
            SELECT 'bench analytics', product, %(uom)s, qty, qty, qty,
                   CASE WHEN kind < 0.4 THEN %(supplier)s WHEN kind < 0.85 THEN loc
                        WHEN kind < 0.9 THEN %(inventory)s ELSE loc END,
                   CASE WHEN kind < 0.4 THEN loc WHEN kind < 0.85 THEN %(customer)s
                        WHEN kind < 0.9 THEN loc ELSE loc2 END,
                   %(company)s, 'done', date, 'make_to_stock', TRUE,
                   5 + mod(product, 7)
              FROM params
            """,
            products=products.ids,
            np=len(products),
            locs=locations.ids,
            nl=len(locations),
            start=start,
            span=timedelta(days=365 * YEARS),
            n=n_moves,
            uom=ref("uom.product_uom_unit").id,
            supplier=ref("stock.stock_location_suppliers").id,
            customer=ref("stock.stock_location_customers").id,
            inventory=products[0].property_stock_inventory.id,
            company=env.company.id,
        )
    )
    env.cr.execute(
        """
        INSERT INTO stock_move_line (move_id, product_id, product_uom_id, location_id,
                                     location_dest_id, company_id, state, date,
                                     quantity, quantity_product_uom, picked)
        SELECT id, product_id, product_uom, location_id, location_dest_id,
               company_id, 'done', date, quantity, quantity, TRUE
          FROM stock_move WHERE name = 'bench analytics'
        """
    )
    env.cr.execute(
        """
        INSERT INTO stock_valuation_layer (company_id, product_id, stock_move_id,
                                           quantity, unit_cost, value, remaining_qty,
                                           remaining_value, create_date, description)
        SELECT m.company_id, m.product_id, m.id,
               CASE WHEN dst.usage = 'internal' THEN m.quantity ELSE -m.quantity END,
               m.price_unit,
               CASE WHEN dst.usage = 'internal' THEN 1 ELSE -1 END
               * m.quantity * m.price_unit, 0, 0, m.date, 'bench'
          FROM stock_move m
          JOIN stock_location src ON src.id = m.location_id
          JOIN stock_location dst ON dst.id = m.location_dest_id
         WHERE m.name = 'bench analytics' AND src.usage != dst.usage
        """
    )


def insert_quants(env):
    """The quants the moves leave (positive ones), dated by the oldest arrival."""
    env.cr.execute(
        """
        INSERT INTO stock_quant (product_id, location_id, company_id, quantity,
                                 reserved_quantity, in_date, create_date, write_date)
        SELECT f.product_id, f.loc, f.company_id, SUM(f.q), 0, MIN(f.date),
               now(), now()
          FROM (SELECT product_id, location_dest_id AS loc, company_id, date,
                       quantity AS q
                  FROM stock_move WHERE name = 'bench analytics'
                UNION ALL
                SELECT product_id, location_id, company_id, date, -quantity
                  FROM stock_move WHERE name = 'bench analytics') f
          JOIN stock_location l ON l.id = f.loc AND l.usage = 'internal'
      GROUP BY f.product_id, f.loc, f.company_id
        HAVING SUM(f.q) > 0
        """
    )


def insert_sale_lines(env, products):
    """One sale order line per product; a third of the deliveries link to it."""
    order = env["sale.order"].create({"partner_id": env.ref("base.res_partner_1").id})
    env.flush_all()
    env.cr.execute(
        SQL(
            """
            INSERT INTO sale_order_line (order_id, name, customer_lead, price_unit,
                                         product_uom_qty, product_id, product_uom,
                                         price_reduce_taxexcl, company_id)
            SELECT %(order)s, 'bench', 0, 10, 1, p, %(uom)s, 10, %(company)s
              FROM unnest(%(products)s::int[]) p
            """,
            order=order.id,
            uom=env.ref("uom.product_uom_unit").id,
            company=env.company.id,
            products=products.ids,
        )
    )
    env.cr.execute(
        """
        UPDATE stock_move m SET sale_line_id = l.id
          FROM sale_order_line l, stock_location d
         WHERE l.name = 'bench' AND l.product_id = m.product_id
           AND m.name = 'bench analytics' AND d.id = m.location_dest_id
           AND d.usage = 'customer' AND mod(m.id, 3) = 0
        """
    )


FLOORS = {
    # per product x warehouse: what is on hand and the arrivals ranked newest first
    "aging": """
        WITH f AS (
            SELECT l.product_id, d.warehouse_id, l.date, l.quantity_product_uom AS q
              FROM stock_move_line l JOIN stock_location d ON d.id = l.location_dest_id
             WHERE l.state = 'done' AND d.usage = 'internal'
            UNION ALL
            SELECT l.product_id, s.warehouse_id, l.date, -l.quantity_product_uom
              FROM stock_move_line l JOIN stock_location s ON s.id = l.location_id
             WHERE l.state = 'done' AND s.usage = 'internal')
        SELECT product_id, warehouse_id, SUM(q),
               MAX(SUM(q)) OVER (PARTITION BY product_id)
          FROM f GROUP BY product_id, warehouse_id""",
    # per product x warehouse: quantity out over the last year and its cost
    "turnover": """
        SELECT l.product_id, s.warehouse_id, SUM(l.quantity_product_uom),
               SUM(v.value)
          FROM stock_move_line l JOIN stock_location s ON s.id = l.location_id
          JOIN stock_location d ON d.id = l.location_dest_id
     LEFT JOIN stock_valuation_layer v ON v.stock_move_id = l.move_id
         WHERE l.state = 'done' AND s.usage = 'internal' AND d.usage = 'customer'
           AND l.date >= now() - interval '1 year'
      GROUP BY 1, 2""",
    "sales_trends": """
        SELECT date_trunc('month', m.date), m.product_id, s.warehouse_id,
               SUM(m.product_qty), SUM(m.quantity * sol.price_reduce_taxexcl)
          FROM stock_move m JOIN sale_order_line sol ON sol.id = m.sale_line_id
          JOIN stock_location s ON s.id = m.location_id
         WHERE m.state = 'done' AND m.date >= now() - interval '2 years'
      GROUP BY 1, 2, 3""",
    "abc_xyz": """
        SELECT m.product_id, date_trunc('month', m.date), SUM(m.product_qty),
               SUM(v.value)
          FROM stock_move m JOIN stock_location d ON d.id = m.location_dest_id
          JOIN stock_valuation_layer v ON v.stock_move_id = m.id
         WHERE m.state = 'done' AND d.usage = 'customer'
           AND m.date >= now() - interval '1 year'
      GROUP BY 1, 2""",
    "dead_stock": """
        SELECT l.product_id, l.location_id, MAX(l.date)
          FROM stock_move_line l JOIN stock_location s ON s.id = l.location_id
         WHERE l.state = 'done' AND s.usage = 'internal'
      GROUP BY 1, 2""",
    "forecast": """
        SELECT l.product_id, s.warehouse_id, date_trunc('month', l.date),
               SUM(l.quantity_product_uom)
          FROM stock_move_line l JOIN stock_location s ON s.id = l.location_id
          JOIN stock_location d ON d.id = l.location_dest_id
         WHERE l.state = 'done' AND s.usage = 'internal' AND d.usage = 'customer'
           AND l.date >= date_trunc('month', now()) - interval '24 months'
      GROUP BY 1, 2, 3""",
}


def run_reports(env, warehouses, results):
    """Each report end to end, then its SQL floor, in the same session."""
    analytics = env["stock.analytics"]
    scope = {"warehouse_ids": warehouses.ids}
    calls = {
        "aging": lambda: analytics.get_aging(**scope),
        "turnover": lambda: analytics.get_turnover(**scope),
        "sales_trends": lambda: analytics.get_sales_trends(
            date_from=fields.Date.today() - timedelta(days=365), **scope
        ),
        "abc_xyz": lambda: analytics.get_abc_xyz(**scope),
        "dead_stock": lambda: analytics.get_dead_stock(**scope),
        "forecast": lambda: analytics.get_forecast(**scope),
    }
    for name, call in calls.items():
        env.invalidate_all()
        with measure(f"{name}: report", results):
            rows = call()
        with measure(f"{name}: SQL floor", results):
            env.cr.execute(FLOORS[name])
            env.cr.fetchall()
        ratio = results[f"{name}: report"][0] / max(
            results[f"{name}: SQL floor"][0], 1e-9
        )
        print(f"{name}: {len(rows)} rows, {ratio:.2f}x the SQL floor")


def run_native(env, warehouses, products, results):
    """Odoo's nearest native paths: quantities at a date, valuation pivot."""
    at = fields.Datetime.now() - timedelta(days=30)
    env.invalidate_all()
    with measure("native: stock.quantity.history per warehouse", results):
        for warehouse in warehouses:
            products.with_context(to_date=at, warehouse_id=warehouse.id).mapped(
                "qty_available"
            )
            env.invalidate_all()
    with measure("native: valuation layer pivot at a date", results):
        env["stock.valuation.layer"]._read_group(
            [("create_date", "<=", at)], ["product_id"], ["quantity:sum", "value:sum"]
        )
    with measure("stock_analytics: aging at the same date", results):
        env["stock.analytics"].get_aging(
            at_date=at.date(), warehouse_ids=warehouses.ids
        )


def run_xlsx(env, warehouses, results):
    """Dead stock XLSX from query to closed file, against the list export."""
    wizard = env["stock.analytics.wizard"].create(
        {"report": "dead_stock", "days": 0, "warehouse_ids": [(6, 0, warehouses.ids)]}
    )
    with measure("xlsx: dead stock export", results):
        content, __ = env["ir.actions.report"]._render_xlsx(
            "stock_analytics.stock_analytics_xlsx_report", wizard.ids, None
        )
    action = wizard.action_view()
    lines = env[action["res_model"]].search(action["domain"])
    rate = len(lines) / results["xlsx: dead stock export"][0]
    print(f"xlsx: {len(lines)} rows, {rate:,.0f} rows/s, {len(content):,} bytes")
    with measure("native: list export_data of the same rows", results):
        lines.export_data(
            [
                "product_id",
                "warehouse_id",
                "location_id",
                "quantity",
                "value",
                "last_outgoing_date",
                "idle_days",
            ]
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="ims_test")
    parser.add_argument("--config", default=".odoo-config")
    parser.add_argument("--moves", type=int, default=50000)
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--locations", type=int, default=50)
    args = parser.parse_args()
    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.db, "--log-level=warn"]
    )
    registry = odoo.modules.registry.Registry(args.db)
    results = {}
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        print(
            f"{args.moves} moves, {args.products} products, {args.locations} locations"
        )
        with measure("generate data", results):
            warehouses, products = build(env, args.moves, args.products, args.locations)
        run_reports(env, warehouses, results)
        run_native(env, warehouses, products, results)
        run_xlsx(env, warehouses, results)
        cr.rollback()


if __name__ == "__main__":
    main()
