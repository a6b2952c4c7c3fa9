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
and the XLSX export of the dead stock report of all the stock (rows per
second from query to closed file) against Odoo's list export
(``export_data``) of the same rows (the quants, on a sample).
It prints times, ratios to the floor, the time of each report spent in SQL,
then in a second pass the Python peak memory (tracemalloc, which slows
Python down, hence apart), and rolls everything back.
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
def measure(label, results, memory=False):
    """Time the block, or with ``memory`` record its Python peak memory
    instead (tracemalloc slows Python down: times are taken without it)."""
    if memory:
        tracemalloc.start()
    try:
        start = time.perf_counter()
        yield
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 2**20 if memory else None
    finally:
        if memory:
            tracemalloc.stop()
    if memory:
        results[label] = (results.get(label, (seconds,))[0], peak)
        print(f"{label:<46} {'':>11} {peak:9.1f} MB")
    else:
        results[label] = (seconds, None)
        print(f"{label:<46} {seconds:9.3f} s")


@contextmanager
def sql_time(cr):
    """Seconds spent in ``cr.execute`` during the block (in ``spent[0]``):
    the rest of a report's time is Python (row building, ORM reads)."""
    spent = [0.0]
    execute = cr.execute

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return execute(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start

    cr.execute = timed
    try:
        yield spent
    finally:
        del cr.execute


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
    env.flush_all()
    with bulk_load(env.cr):
        products = insert_products(env, n_products, categ)
        insert_moves(env, n_moves, products, locations)
        insert_sale_lines(env, products)
        insert_quants(env)
    env.cr.execute(
        "ANALYZE stock_move, stock_move_line, stock_valuation_layer, stock_quant"
    )
    return warehouses, products


@contextmanager
def bulk_load(cr):
    """Skip the foreign key checks (one trigger per key and row) while the
    generated rows, consistent by construction, are inserted: possible for
    a superuser only, else the load is just slower."""
    cr.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    superuser = cr.fetchone()[0]
    if superuser:
        cr.execute("SET LOCAL session_replication_role = replica")
    try:
        yield
    finally:
        if superuser:
            cr.execute("SET LOCAL session_replication_role = origin")


def insert_products(env, n_products, categ):
    """Storable products of ``categ`` in two statements (the ORM would take
    minutes for 20,000 products); the registry's caches know nothing of
    them, so they are only used by id."""
    uom = env.ref("uom.product_uom_unit").id
    env.cr.execute(
        SQL(
            """
            INSERT INTO product_template (name, type, is_storable, categ_id, uom_id,
                                          uom_po_id, tracking, service_tracking,
                                          purchase_line_warn, sale_line_warn,
                                          invoice_policy, purchase_method, active,
                                          sale_ok, purchase_ok, create_uid,
                                          write_uid, create_date, write_date)
            SELECT jsonb_build_object('en_US', 'Bench ' || g), 'consu', TRUE,
                   %(categ)s, %(uom)s, %(uom)s, 'none', 'no', 'no-message',
                   'no-message', 'order', 'receive', TRUE, TRUE, TRUE, 1, 1,
                   now(), now()
              FROM generate_series(1, %(n)s) g
            RETURNING id
            """,
            categ=categ.id,
            uom=uom,
            n=n_products,
        )
    )
    templates = [row[0] for row in env.cr.fetchall()]
    env.cr.execute(
        SQL(
            """
            INSERT INTO product_product (product_tmpl_id, active, combination_indices,
                                         create_uid, write_uid, create_date,
                                         write_date)
            SELECT t, TRUE, '', 1, 1, now(), now() FROM unnest(%s::int[]) t
            RETURNING id
            """,
            templates,
        )
    )
    return env["product.product"].browse(row[0] for row in env.cr.fetchall())


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
    env.cr.execute("ANALYZE stock_move, sale_order_line")
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


def get_report_calls(env, warehouses):
    """``{report: call}``: each report of ``stock.analytics`` over the
    bench warehouses, with its default options."""
    analytics = env["stock.analytics"]
    scope = {"warehouse_ids": warehouses.ids}
    return {
        "aging": lambda: analytics.get_aging(**scope),
        "turnover": lambda: analytics.get_turnover(**scope),
        "sales_trends": lambda: analytics.get_sales_trends(
            date_from=fields.Date.today() - timedelta(days=365), **scope
        ),
        "abc_xyz": lambda: analytics.get_abc_xyz(**scope),
        "dead_stock": lambda: analytics.get_dead_stock(**scope),
        "forecast": lambda: analytics.get_forecast(**scope),
    }


def run_reports(env, warehouses, results):
    """Each report end to end (and its time in SQL), then its SQL floor, in
    the same session."""
    for name, call in get_report_calls(env, warehouses).items():
        env.invalidate_all()
        with sql_time(env.cr) as spent, measure(f"{name}: report", results):
            rows = call()
        with measure(f"{name}: SQL floor", results):
            env.cr.execute(FLOORS[name])
            env.cr.fetchall()
        seconds = results[f"{name}: report"][0]
        ratio = seconds / max(results[f"{name}: SQL floor"][0], 1e-9)
        print(
            f"{name}: {len(rows)} rows, {ratio:.2f}x the SQL floor,"
            f" {spent[0]:.3f} s in SQL, {seconds - spent[0]:.3f} s in Python"
        )


def run_memory(env, warehouses, results):
    """Python peak memory of each report and of the XLSX export."""
    for name, call in get_report_calls(env, warehouses).items():
        env.invalidate_all()
        with measure(f"{name}: report", results, memory=True):
            call()
    wizard = get_xlsx_wizard(env, warehouses)
    with measure("xlsx: dead stock export", results, memory=True):
        render_xlsx(env, wizard)


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


def get_xlsx_wizard(env, warehouses):
    """The dead stock report of all the stock (idle 0 days or more)."""
    return env["stock.analytics.wizard"].create(
        {"report": "dead_stock", "days": 0, "warehouse_ids": [(6, 0, warehouses.ids)]}
    )


def render_xlsx(env, wizard):
    content, __ = env["ir.actions.report"]._render_xlsx(
        "stock_analytics.stock_analytics_xlsx_report", wizard.ids, None
    )
    return content


def run_xlsx(env, warehouses, results, sample=50000):
    """Dead stock XLSX from query to closed file, against Odoo's list export
    of the same rows (the quants: product, warehouse, location, quantity,
    value, date), timed on at most ``sample`` of them."""
    wizard = get_xlsx_wizard(env, warehouses)
    env.invalidate_all()
    with measure("xlsx: dead stock export", results):
        content = render_xlsx(env, wizard)
    count = sum(
        len(chunk)
        for chunk in env["stock.analytics"]._iter_dead_stock(
            days=0, warehouse_ids=warehouses.ids
        )
    )
    rate = count / results["xlsx: dead stock export"][0]
    print(f"xlsx: {count} rows, {rate:,.0f} rows/s, {len(content):,} bytes")
    quants = env["stock.quant"].search(
        [("location_id.warehouse_id", "in", warehouses.ids), ("quantity", ">", 0)],
        limit=sample,
    )
    env.invalidate_all()
    label = "native: list export_data of the quants"
    with measure(label, results):
        quants.export_data(
            [
                "product_id",
                "warehouse_id",
                "location_id",
                "quantity",
                "value",
                "in_date",
            ]
        )
    rate = len(quants) / results[label][0]
    print(f"native export: {len(quants)} rows, {rate:,.0f} rows/s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="ims_test")
    parser.add_argument("--config", default=".odoo-config")
    parser.add_argument("--moves", type=int, default=50000)
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--locations", type=int, default=50)
    parser.add_argument(
        "--no-memory", action="store_true", help="skip the peak memory pass"
    )
    parser.add_argument(
        "--no-native", action="store_true", help="skip Odoo's native paths"
    )
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
        if not args.no_native:
            run_native(env, warehouses, products, results)
        run_xlsx(env, warehouses, results)
        if not args.no_memory:
            run_memory(env, warehouses, results)
        cr.rollback()


if __name__ == "__main__":
    main()
