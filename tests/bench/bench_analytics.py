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
and an XLSX export, by default of the dead stock report of all the stock
(``--xlsx report[:week|month[:N]]`` for another, e.g. ``sales_trends:week``
or ``forecast:month:5``, N forecast periods;
rows per second from query to closed file, rows counted in the file)
against xlsxwriter's own floor (the same rows, read and named beforehand,
written cell by cell in constant memory with the same formats, and closed:
the library's cost, which bounds the export's rate on this machine) and
against Odoo's list export (``export_data``) of the quants (the dead stock
rows, on a sample). ``--only`` runs the reports named (``xlsx`` for the
export) without the native paths.
It prints times, ratios to the floor, the time of each report spent in SQL,
then in a second pass the Python peak memory (tracemalloc, which slows
Python down, hence apart), and rolls everything back.
"""

import argparse
import importlib
import io
import math
import os
import time
import tracemalloc
import zipfile
from contextlib import contextmanager
from datetime import datetime, timedelta

import bench_db
import pytz
import xlsxwriter
from dateutil.relativedelta import relativedelta

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
    move lines and valuation layers, sale lines for a third of deliveries.
    When a kept bench (``--keep``) is there, reuse its warehouses and
    products and add only the moves missing to reach ``n_moves``."""
    warehouses, products = get_kept(env)
    if warehouses:
        locations = get_bench_locations(env, warehouses)
        env.cr.execute(
            "SELECT COUNT(*), MAX(id) FROM stock_move WHERE name = %s", [MOVE_NAME]
        )
        count, last_id = env.cr.fetchone()
        missing = n_moves - count
        print(f"kept bench: {count} moves, adding {max(missing, 0)}")
        if missing > 0:
            with bulk_load(env.cr):
                insert_moves(env, missing, products, locations, last_id or 0)
                link_sale_lines(env, last_id or 0)
                insert_quants(env, products)
            analyze(env)
        return warehouses, products
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
    locations = get_bench_locations(env, warehouses)
    categ = env["product.category"].create(
        {"name": "Bench", "property_cost_method": "fifo"}
    )
    env.flush_all()
    with bulk_load(env.cr):
        products = insert_products(env, n_products, categ)
        insert_moves(env, n_moves, products, locations)
        insert_sale_lines(env, products)
        insert_quants(env, products)
    analyze(env)
    return warehouses, products


MOVE_NAME = "bench analytics"


def get_kept(env):
    """The warehouses and products of a bench kept by ``--keep``, if any."""
    warehouses = env["stock.warehouse"].search(
        [("name", "=like", "Bench WH %"), ("code", "=like", "BA%")], order="id"
    )
    if not warehouses:
        return warehouses, env["product.product"]
    env.cr.execute(
        """
        SELECT pp.id FROM product_product pp
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
          JOIN product_category c ON c.id = pt.categ_id
         WHERE c.name = 'Bench' ORDER BY pp.id
        """
    )
    return warehouses, env["product.product"].browse(r[0] for r in env.cr.fetchall())


def get_bench_locations(env, warehouses):
    return env["stock.location"].search(
        [("warehouse_id", "in", warehouses.ids), ("usage", "=", "internal")]
    )


# the tables the bench fills
GENERATED_TABLES = (
    "stock_move",
    "stock_move_line",
    "stock_valuation_layer",
    "stock_quant",
    "sale_order_line",
    # the order of the sale lines: statistics that predate it (a template
    # database's) made a merge join on it look like it would stop early, and
    # the sales trend queries, report and floor, pick loops twice as slow
    "sale_order",
)


def vacuum(db):
    """VACUUM ANALYZE the generated tables, outside a transaction, as
    autovacuum does on a live database after a bulk insert (it is off on
    some servers; here it may not have run yet): index-only scans need the
    visibility map it sets. For a kept bench only: rows of a transaction
    that is rolled back are never vacuumed."""
    bench_db.vacuum(db, GENERATED_TABLES)


def analyze(env):
    env.cr.execute(f"ANALYZE {', '.join(GENERATED_TABLES)}")


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


def insert_moves(env, n_moves, products, locations, after_id=0):
    """Moves, lines and layers in three statements (receipts 40 %,
    deliveries 45 %, adjustments 5 %, internal transfers 10 %); lines and
    layers for the moves after ``after_id`` (those just inserted)."""
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
          FROM stock_move WHERE name = 'bench analytics' AND id > %s
        """,
        [after_id],
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
           AND m.id > %s
        """,
        [after_id],
    )


def insert_quants(env, products):
    """The quants the moves leave (positive ones), dated by the oldest arrival
    (those of the products replaced)."""
    env.cr.execute("DELETE FROM stock_quant WHERE product_id = ANY(%s)", [products.ids])
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
    env.cr.execute("ANALYZE stock_move, sale_order_line, sale_order")
    link_sale_lines(env)


def link_sale_lines(env, after_id=0):
    """Link a third of the deliveries after ``after_id`` to the sale lines."""
    env.cr.execute(
        """
        UPDATE stock_move m SET sale_line_id = l.id
          FROM sale_order_line l, stock_location d
         WHERE l.name = 'bench' AND l.product_id = m.product_id
           AND m.name = 'bench analytics' AND d.id = m.location_dest_id
           AND d.usage = 'customer' AND mod(m.id, 3) = 0 AND m.id > %s
        """,
        [after_id],
    )


# The SQL floors: per report, the plainest straightforward query that returns
# the same rows and figures as the report (checked by ``check_floor``) on the
# same scope, with the same work_mem; Python-only figures (the ABC/XYZ
# classes, the forecasts and their errors) are left out. Parameters come
# from ``get_floor_params``.
FLOW_LINES = """
    SELECT l.id, l.move_id, l.product_id, d.warehouse_id AS wh, d.company_id,
           l.date, l.quantity_product_uom AS q, s.usage AS other
      FROM stock_move_line l
      JOIN stock_location s ON s.id = l.location_id
      JOIN stock_location d ON d.id = l.location_dest_id
     WHERE l.state = 'done' AND l.date < %(stop)s AND d.usage = 'internal'
       AND d.warehouse_id = ANY(%(whs)s) AND l.date >= %(since)s
       AND (s.usage != 'internal' OR s.warehouse_id IS DISTINCT FROM d.warehouse_id)
    UNION ALL
    SELECT l.id, l.move_id, l.product_id, s.warehouse_id, s.company_id,
           l.date, -l.quantity_product_uom, d.usage
      FROM stock_move_line l
      JOIN stock_location s ON s.id = l.location_id
      JOIN stock_location d ON d.id = l.location_dest_id
     WHERE l.state = 'done' AND l.date < %(stop)s AND s.usage = 'internal'
       AND s.warehouse_id = ANY(%(whs)s) AND l.date >= %(since)s
       AND (d.usage != 'internal' OR d.warehouse_id IS DISTINCT FROM s.warehouse_id)
"""
LOCAL_DATE = "timezone(%(tz)s, timezone('UTC', {}))::date"
AGE = "%(today)s::date - " + LOCAL_DATE.format("date")
FLOORS = {
    # FIFO aging per product x warehouse: the newest arrivals make up the
    # stock on hand, valued by the layers of the same rank (newest first) in
    # the company for FIFO products, else at the average unit value
    "aging": f"""
        WITH f AS ({
        FLOW_LINES.replace(
            "d.warehouse_id = ANY(%(whs)s)", "d.warehouse_id IS NOT NULL"
        ).replace("s.warehouse_id = ANY(%(whs)s)", "s.warehouse_id IS NOT NULL")
    }),
        onhand AS (SELECT product_id, wh, SUM(q) AS qty FROM f
                    GROUP BY product_id, wh HAVING SUM(q) > 0.000001),
        arrivals AS (
            SELECT f.*, o.qty AS onhand,
                   SUM(f.q) OVER (PARTITION BY f.product_id, f.wh
                                  ORDER BY f.date DESC, f.id DESC) AS cum
              FROM f JOIN onhand o USING (product_id, wh) WHERE f.q > 0),
        kept AS (
            SELECT id, product_id, wh, company_id, date, {AGE} AS age,
                   LEAST(q, onhand - (cum - q)) AS q
              FROM arrivals WHERE cum - q < onhand),
        ranked AS (
            SELECT *, SUM(q) OVER (PARTITION BY product_id, company_id
                                   ORDER BY date DESC, id DESC) AS r
              FROM kept),
        layers AS (
            SELECT v.product_id, v.company_id, v.value / v.quantity AS cost,
                   v.quantity,
                   SUM(v.quantity) OVER (PARTITION BY v.product_id, v.company_id
                                         ORDER BY v.create_date DESC, v.id DESC) AS r
              FROM stock_valuation_layer v
              JOIN product_product pp ON pp.id = v.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN product_category c ON c.id = pt.categ_id
             WHERE v.quantity > 0 AND v.create_date < %(stop)s
               AND c.property_cost_method ->> v.company_id::text = 'fifo'
               AND v.product_id IN (SELECT product_id FROM onhand)),
        matched AS (
            SELECT k.id, SUM(o.qty) AS qty, SUM(o.qty * l.cost) AS value
              FROM ranked k
              JOIN layers l ON l.product_id = k.product_id
                           AND l.company_id = k.company_id
                           AND l.r - l.quantity < k.r AND l.r > k.r - k.q
             CROSS JOIN LATERAL (SELECT LEAST(k.r, l.r)
                                 - GREATEST(k.r - k.q, l.r - l.quantity) AS qty) o
          GROUP BY k.id),
        cost AS (
            SELECT product_id, company_id, SUM(value) / NULLIF(SUM(quantity), 0) AS c
              FROM stock_valuation_layer
             WHERE create_date < %(stop)s
               AND product_id IN (SELECT product_id FROM onhand)
          GROUP BY product_id, company_id),
        valued AS (
            SELECT k.product_id, k.wh, k.age, k.q,
                   COALESCE(m.value, 0) + (k.q - COALESCE(m.qty, 0))
                   * COALESCE(c.c, 0) AS v
              FROM ranked k
         LEFT JOIN matched m ON m.id = k.id
         LEFT JOIN cost c ON c.product_id = k.product_id
                         AND c.company_id = k.company_id
             WHERE k.wh = ANY(%(whs)s))
        SELECT product_id, wh, SUM(q)::float8, SUM(v)::float8,
               SUM(q) FILTER (WHERE age <= 30)::float8,
               SUM(v) FILTER (WHERE age <= 30)::float8,
               SUM(q) FILTER (WHERE age BETWEEN 31 AND 60)::float8,
               SUM(v) FILTER (WHERE age BETWEEN 31 AND 60)::float8,
               SUM(q) FILTER (WHERE age BETWEEN 61 AND 90)::float8,
               SUM(v) FILTER (WHERE age BETWEEN 61 AND 90)::float8,
               SUM(q) FILTER (WHERE age BETWEEN 91 AND 180)::float8,
               SUM(v) FILTER (WHERE age BETWEEN 91 AND 180)::float8,
               SUM(q) FILTER (WHERE age > 180)::float8,
               SUM(v) FILTER (WHERE age > 180)::float8
          FROM valued GROUP BY product_id, wh""",
    # per product x warehouse over the last 365 days: opening and closing
    # stock, receipts, consumption and its cost, stock value at both ends
    "turnover": f"""
        WITH f AS ({FLOW_LINES}),
        base AS (
            SELECT product_id, wh, company_id,
                   SUM(q) FILTER (WHERE date < %(start)s) AS opening,
                   SUM(q) AS closing,
                   SUM(q) FILTER (WHERE date >= %(start)s AND q > 0) AS qty_in,
                   -SUM(q) FILTER (WHERE date >= %(start)s
                                   AND other IN ('customer', 'production')) AS qty_out
              FROM f GROUP BY product_id, wh, company_id),
        cogs AS (
            SELECT c.product_id, c.wh, -SUM(v.value) AS value
              FROM (SELECT DISTINCT product_id, wh, move_id FROM f
                     WHERE date >= %(start)s
                       AND other IN ('customer', 'production')) c
              JOIN stock_valuation_layer v ON v.stock_move_id = c.move_id
          GROUP BY c.product_id, c.wh),
        cost AS (
            SELECT product_id, company_id,
                   SUM(value) FILTER (WHERE create_date < %(start)s)
                   / NULLIF(SUM(quantity) FILTER (WHERE create_date < %(start)s), 0)
                       AS c_start,
                   SUM(value) / NULLIF(SUM(quantity), 0) AS c_stop
              FROM stock_valuation_layer
             WHERE create_date < %(stop)s
               AND product_id IN (SELECT product_id FROM base)
          GROUP BY product_id, company_id)
        SELECT b.product_id, b.wh, COALESCE(b.opening, 0)::float8,
               b.closing::float8, COALESCE(b.qty_in, 0)::float8,
               COALESCE(b.qty_out, 0)::float8, COALESCE(g.value, 0)::float8,
               (COALESCE(b.opening, 0) * COALESCE(c.c_start, 0))::float8,
               (b.closing * COALESCE(c.c_stop, 0))::float8
          FROM base b
     LEFT JOIN cogs g ON g.product_id = b.product_id AND g.wh = b.wh
     LEFT JOIN cost c ON c.product_id = b.product_id
                     AND c.company_id = b.company_id""",
    # delivered sales per month x product x warehouse (returns negative),
    # with the previous month and the same month a year earlier (the sales
    # shifted to the month they are the reference of: a self-join of the
    # grouped sales, whose rows PostgreSQL cannot estimate, may loop)
    "sales_trends": f"""
        WITH sales AS (
            SELECT date_trunc('month', {LOCAL_DATE.format("m.date")})::date AS p,
                   m.product_id,
                   CASE WHEN dst.usage = 'customer' THEN src.warehouse_id
                        ELSE dst.warehouse_id END AS wh,
                   SUM(CASE WHEN dst.usage = 'customer' THEN m.product_qty
                            ELSE -m.product_qty END)::float8 AS q,
                   SUM(CASE WHEN dst.usage = 'customer' THEN 1 ELSE -1 END
                       * m.quantity * sol.price_reduce_taxexcl
                       / COALESCE(NULLIF(so.currency_rate, 0), 1))::float8 AS r
              FROM stock_move m
              JOIN sale_order_line sol ON sol.id = m.sale_line_id
              JOIN sale_order so ON so.id = sol.order_id
              JOIN stock_location src ON src.id = m.location_id
              JOIN stock_location dst ON dst.id = m.location_dest_id
             WHERE m.state = 'done' AND m.date >= %(since)s AND m.date < %(stop)s
               AND ((dst.usage = 'customer' AND src.usage = 'internal'
                     AND src.warehouse_id = ANY(%(whs)s))
                    OR (src.usage = 'customer' AND dst.usage = 'internal'
                        AND dst.warehouse_id = ANY(%(whs)s)))
          GROUP BY 1, 2, 3)
        SELECT p, product_id, wh, SUM(q) FILTER (WHERE k = 0),
               SUM(r) FILTER (WHERE k = 0), COALESCE(SUM(q) FILTER (WHERE k = 1), 0),
               COALESCE(SUM(r) FILTER (WHERE k = 1), 0),
               COALESCE(SUM(q) FILTER (WHERE k = 2), 0),
               COALESCE(SUM(r) FILTER (WHERE k = 2), 0)
          FROM (SELECT *, 0 AS k FROM sales
                UNION ALL
                SELECT (p + interval '1 month')::date, product_id, wh, q, r, 1
                  FROM sales
                UNION ALL
                SELECT (p + interval '1 year')::date, product_id, wh, q, r, 2
                  FROM sales) shifted
         WHERE p >= %(first)s
      GROUP BY p, product_id, wh HAVING bool_or(k = 0)""",
    # per product over the last 365 days: consumption value, mean monthly
    # demand and its coefficient of variation (months without demand as 0)
    "abc_xyz": f"""
        WITH f AS ({FLOW_LINES}),
        consumed AS (SELECT * FROM f WHERE other IN ('customer', 'production')),
        monthly AS (
            SELECT product_id, date_trunc('month', {LOCAL_DATE.format("date")}),
                   -SUM(q) AS q
              FROM consumed GROUP BY 1, 2),
        valued AS (
            SELECT c.product_id, -SUM(v.value) AS value
              FROM (SELECT DISTINCT product_id, move_id FROM consumed) c
              JOIN stock_valuation_layer v ON v.stock_move_id = c.move_id
          GROUP BY c.product_id),
        stats AS (
            SELECT product_id, SUM(q) / %(months)s AS mean,
                   SUM(q * q) / %(months)s AS square
              FROM monthly GROUP BY product_id)
        SELECT s.product_id, COALESCE(v.value, 0)::float8, s.mean::float8,
               CASE WHEN s.mean > 0
                    THEN sqrt(GREATEST(s.square - s.mean * s.mean, 0)) / s.mean
               END::float8
          FROM stats s LEFT JOIN valued v ON v.product_id = s.product_id""",
    # stock on hand per product x location idle for 90 days or more: last
    # move line out of the location (one probe of stock_analytics' index
    # per row), else the oldest quant
    "dead_stock": f"""
        WITH onhand AS (
            SELECT q.product_id, q.location_id, l.company_id, l.warehouse_id,
                   SUM(q.quantity) AS qty, MIN(q.in_date) AS in_date
              FROM stock_quant q JOIN stock_location l ON l.id = q.location_id
             WHERE l.usage = 'internal' AND l.warehouse_id = ANY(%(whs)s)
          GROUP BY 1, 2, 3, 4 HAVING SUM(q.quantity) > 0),
        cost AS (
            SELECT product_id, company_id, SUM(value) / NULLIF(SUM(quantity), 0) AS c
              FROM stock_valuation_layer
             WHERE create_date < %(stop)s
          GROUP BY 1, 2)
        SELECT * FROM (
            SELECT o.product_id, o.location_id, o.warehouse_id, o.qty::float8,
                   (o.qty * COALESCE(c.c, 0))::float8, lo.date,
                   %(today)s::date
                   - {LOCAL_DATE.format("COALESCE(lo.date, o.in_date)")} AS idle
              FROM onhand o
         LEFT JOIN LATERAL (
                SELECT MAX(date) AS date FROM stock_move_line
                 WHERE product_id = o.product_id AND location_id = o.location_id
                   AND state = 'done' AND location_dest_id <> location_id) lo ON TRUE
         LEFT JOIN cost c ON c.product_id = o.product_id
                         AND c.company_id = o.company_id) r
         WHERE idle >= 90""",
    # demand per product x warehouse and month over the 24 months before
    # the current one (the history the forecasts are fitted on)
    "forecast": f"""
        WITH f AS ({FLOW_LINES})
        SELECT product_id, wh, date_trunc('month', {LOCAL_DATE.format("date")}),
               -SUM(q)::float8
          FROM f WHERE other IN ('customer', 'production')
      GROUP BY 1, 2, 3""",
}


def get_floor_params(env, warehouses):
    """The bounds of the reports' default periods, days starting at
    midnight in the user's time zone, as the reports cut them."""
    tz = env.user.tz or "UTC"
    today = fields.Date.context_today(env.user)

    def utc(day):
        local = pytz.timezone(tz).localize(datetime.combine(day, datetime.min.time()))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    stop = utc(today + timedelta(days=1))
    year_ago = today - timedelta(days=364)
    trends_first = (today - timedelta(days=365)).replace(day=1)
    current = today.replace(day=1)
    history = current - relativedelta(months=24)
    common = {"whs": warehouses.ids, "tz": tz, "today": today, "stop": stop}
    epoch = datetime(1970, 1, 1)
    months = (today.year - year_ago.year) * 12 + today.month - year_ago.month + 1
    return {
        "aging": dict(common, since=epoch),
        "turnover": dict(common, since=epoch, start=utc(year_ago)),
        "sales_trends": dict(
            common,
            first=trends_first,
            since=utc(trends_first - relativedelta(years=1, days=7)),
        ),
        "abc_xyz": dict(common, since=utc(year_ago), months=months),
        "dead_stock": common,
        "forecast": dict(common, since=utc(history), stop=utc(current)),
    }


def get_floor_figures(name, floor_rows, report_rows, floor_params):
    """``(floor, report)``: the rows of the floor and of the report as
    comparable ``{key: figures}``."""
    if name == "aging":
        report = {
            (r["product_id"], r["warehouse_id"]): (
                r["quantity"],
                r["value"],
                *(x for b in r["buckets"] for x in (b["quantity"], b["value"])),
            )
            for r in report_rows
        }
        floor = {r[:2]: tuple(x or 0.0 for x in r[2:]) for r in floor_rows}
    elif name == "turnover":
        figures = (
            "opening_qty",
            "closing_qty",
            "qty_in",
            "qty_out",
            "cogs",
            "opening_value",
            "closing_value",
        )
        report = {
            (r["product_id"], r["warehouse_id"]): tuple(r[k] for k in figures)
            for r in report_rows
        }
        floor = {r[:2]: r[2:] for r in floor_rows}
    elif name == "sales_trends":
        figures = (
            "quantity",
            "revenue",
            "previous_quantity",
            "previous_revenue",
            "last_year_quantity",
            "last_year_revenue",
        )
        report = {
            (r["period_start"], r["product_id"], r["warehouse_id"]): tuple(
                r[k] for k in figures
            )
            for r in report_rows
        }
        floor = {r[:3]: r[3:] for r in floor_rows}
    elif name == "abc_xyz":
        figures = ("consumption_value", "demand_mean", "demand_cv")
        report = {
            r["product_id"]: tuple(r[k] or 0.0 for k in figures) for r in report_rows
        }
        floor = {r[0]: tuple(x or 0.0 for x in r[1:]) for r in floor_rows}
    elif name == "dead_stock":
        report = {
            (r["product_id"], r["location_id"]): (
                r["warehouse_id"],
                r["quantity"],
                r["value"],
                r["last_outgoing_date"] or None,
                r["idle_days"],
            )
            for r in report_rows
        }
        floor = {r[:2]: r[2:] for r in floor_rows}
    else:
        report = {
            (r["product_id"], r["warehouse_id"]): tuple(r["history"])
            for r in report_rows
        }
        first = floor_params["today"].replace(day=1) - relativedelta(months=24)
        floor = {}
        for product, wh, month, qty in floor_rows:
            series = floor.setdefault((product, wh), [0.0] * 24)
            series[(month.year - first.year) * 12 + month.month - first.month] += qty
        floor = {key: tuple(series) for key, series in floor.items()}
    return floor, report


def check_floor(name, floor_rows, report_rows, floor_params):
    """Raise unless the floor returns the report's rows and figures (floats
    to a relative 1e-6)."""
    floor, report = get_floor_figures(name, floor_rows, report_rows, floor_params)
    if floor.keys() != report.keys():
        raise AssertionError(
            f"{name}: floor and report rows differ: {len(floor)} against"
            f" {len(report)}, e.g. {list(floor.keys() ^ report.keys())[:3]}"
        )
    for key, figures in report.items():
        other = floor[key]
        same = len(figures) == len(other) and all(
            math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6)
            if isinstance(a, float) or isinstance(b, float)
            else a == b
            for a, b in zip(figures, other, strict=False)
        )
        if not same:
            raise AssertionError(f"{name}: {key}: report {figures}, floor {other}")
    print(f"{name}: floor and report agree on {len(report)} rows")


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


def cpu_seconds(cr):
    """CPU seconds used so far by this Python process and by the PostgreSQL
    backend of ``cr`` (its ``/proc`` stat: utime + stime)."""
    cr.execute("SELECT pg_backend_pid()")
    pid = cr.fetchone()[0]
    with open(f"/proc/{pid}/stat") as stat:
        ticks = stat.read().rsplit(")", 1)[1].split()
    backend = (int(ticks[11]) + int(ticks[12])) / os.sysconf("SC_CLK_TCK")
    return time.process_time(), backend


@contextmanager
def cpu_time(cr, label, results):
    """Record the Python and backend CPU seconds of the block."""
    before = cpu_seconds(cr)
    yield
    after = cpu_seconds(cr)
    results[label] = tuple(b - a for a, b in zip(before, after, strict=True))


def run_floor(env, name, params):
    """The rows of the SQL floor of ``name``, with the reports' work_mem."""
    cr = env.cr
    cr.execute(
        SQL(
            "SELECT set_config('work_mem', %s, TRUE)",
            env["stock.analytics"]._get_work_mem(),
        )
    )
    cr.execute(FLOORS[name], params)
    rows = cr.fetchall()
    cr.execute("RESET work_mem")
    return rows


def run_reports(env, warehouses, results, only=None, repeat=1):
    """Each report end to end (and its time in SQL), then its SQL floor, in
    the same session, ``repeat`` times interleaved (best time kept); the
    floor's rows are checked against the report's."""
    floor_params = get_floor_params(env, warehouses)
    for name, call in get_report_calls(env, warehouses).items():
        if only and name not in only:
            continue
        best = {}
        for __ in range(repeat):
            env.invalidate_all()
            with (
                sql_time(env.cr) as spent,
                cpu_time(env.cr, "cpu report", results),
                measure(f"{name}: report", results),
            ):
                rows = call()
            with (
                cpu_time(env.cr, "cpu floor", results),
                measure(f"{name}: SQL floor", results),
            ):
                floor_rows = run_floor(env, name, floor_params[name])
            for key in ("report", "SQL floor"):
                label = f"{name}: {key}"
                best[label] = min(best.get(label, (1e9,)), results[label])
            for key in ("cpu report", "cpu floor"):
                best[key] = min(best.get(key, (1e9, 1e9)), results[key])
        results.update(best)
        check_floor(name, floor_rows, rows, floor_params[name])
        seconds = results[f"{name}: report"][0]
        ratio = seconds / max(results[f"{name}: SQL floor"][0], 1e-9)
        (py_r, pg_r), (py_f, pg_f) = best["cpu report"], best["cpu floor"]
        print(
            f"{name}: {len(rows)} rows, {ratio:.2f}x the SQL floor,"
            f" {spent[0]:.3f} s in SQL, {seconds - spent[0]:.3f} s in Python;"
            f" CPU report {py_r:.2f} s Python + {pg_r:.2f} s backend,"
            f" floor {py_f:.2f} + {pg_f:.2f} s:"
            f" {(py_r + pg_r) / max(py_f + pg_f, 1e-9):.2f}x in CPU"
        )


def run_memory(env, warehouses, results, only=None, xlsx=None):
    """Python peak memory of each report (of ``only``, when given) and of
    the XLSX export (unless ``only`` leaves it out)."""
    for name, call in get_report_calls(env, warehouses).items():
        if only and name not in only:
            continue
        env.invalidate_all()
        with measure(f"{name}: report", results, memory=True):
            call()
    if only and "xlsx" not in only:
        return
    wizard = get_xlsx_wizard(env, warehouses, xlsx)
    with measure(xlsx_label(wizard), results, memory=True):
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


def get_xlsx_wizard(env, warehouses, xlsx=None):
    """The wizard of the export ``xlsx`` (``report[:week|month[:N]]``, N
    forecast periods, default 3; default the dead stock report of all the
    stock, idle 0 days or more)."""
    report, period, periods = [*(xlsx or "dead_stock").split(":"), "", ""][:3]
    return env["stock.analytics.wizard"].create(
        {
            "report": report,
            "days": 0,
            "period": period or "month",
            "periods": int(periods or 3),
            "warehouse_ids": [(6, 0, warehouses.ids)],
        }
    )


def count_sheet_rows(content):
    """Rows of the first sheet of the XLSX ``content``, its XML streamed."""
    count, tail = 0, b""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        with archive.open("xl/worksheets/sheet1.xml") as sheet:
            while block := sheet.read(1 << 20):
                block = tail + block
                count += block.count(b"<row ")
                tail = block[-4:]
    return count


def xlsx_label(wizard):
    return f"xlsx: {wizard.report} export"


def render_xlsx(env, wizard):
    content, __ = env["ir.actions.report"]._render_xlsx(
        "stock_analytics.stock_analytics_xlsx_report", wizard.ids, None
    )
    return content


def xlsx_floor(env, wizard):
    """(rows, seconds) of xlsxwriter alone writing the rows of the export of
    ``wizard``: read and named first (untimed, see ``xlsx_floor_table``),
    then written cell by cell with the typed methods and formats of the
    export, in constant memory, and the file closed (timed)."""
    columns, table = xlsx_floor_table(env, wizard)
    start = time.perf_counter()
    workbook = xlsxwriter.Workbook(io.BytesIO(), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    formats = {
        kind: workbook.add_format(spec)
        for kind, spec in report_xlsx_module().FORMATS.items()
    }
    writers = []
    for col, (__, header, kind) in enumerate(columns):
        sheet.write_string(0, col, header)
        if kind in formats:
            write = sheet.write_datetime if "date" in kind else sheet.write_number
        else:
            write = sheet.write_string
        writers.append((col, write, formats.get(kind)))
    for index, values in enumerate(table, start=1):
        for (col, write, cell_format), value in zip(writers, values, strict=True):
            if value is not None:
                write(index, col, value, cell_format)
    workbook.close()
    return len(table), time.perf_counter() - start


def xlsx_floor_table(env, wizard):
    """(columns, rows as tuples of cell values) of the export of ``wizard``:
    records as their display names, datetimes in the user's time zone,
    None for an empty cell."""
    report_xlsx = env["report.stock_analytics.report_stock_analytics_xlsx"]
    named = report_xlsx_module().NAMED
    rows = [
        flat
        for chunk in wizard._iter_rows()
        for row in chunk
        for flat in report_xlsx._flat(wizard.report, row)
    ]
    columns = report_xlsx._get_sheet_columns(wizard.report, rows[0] if rows else None)
    tz = pytz.timezone(env["stock.analytics"]._get_tz())
    names = {}
    for key, __, kind in columns:
        if kind in named:
            ids = list({row[key] for row in rows if row.get(key)})
            records = env[named[kind]].browse(ids)
            names[key] = dict(zip(ids, records.mapped("display_name"), strict=True))
    env.invalidate_all()

    def cell(key, kind, value):
        if value is None or value is False:
            return None
        if key in names:
            return names[key].get(value, "")
        if kind == "datetime":
            return pytz.utc.localize(value).astimezone(tz).replace(tzinfo=None)
        return value

    return columns, [
        tuple(cell(key, kind, row.get(key)) for key, __, kind in columns)
        for row in rows
    ]


def report_xlsx_module():
    """The module of the export's columns and formats."""
    return importlib.import_module(
        "odoo.addons.stock_analytics.report.stock_analytics_xlsx"
    )


def run_xlsx(env, warehouses, results, xlsx=None, sample=50000):
    """An XLSX export (``xlsx``, see ``get_xlsx_wizard``) from query to
    closed file, against Odoo's list export of the quants (product,
    warehouse, location, quantity, value, date), timed on at most
    ``sample`` of them."""
    wizard = get_xlsx_wizard(env, warehouses, xlsx)
    label = xlsx_label(wizard)
    env.invalidate_all()
    with measure(label, results):
        content = render_xlsx(env, wizard)
    count = count_sheet_rows(content) - 1  # the header
    rate = count / results[label][0]
    print(f"xlsx: {count} rows, {rate:,.0f} rows/s, {len(content):,} bytes")
    floor_rows, floor_seconds = xlsx_floor(env, wizard)
    floor_rate = floor_rows / floor_seconds
    print(
        f"xlsxwriter floor: {floor_rows} rows in {floor_seconds:.3f} s,"
        f" {floor_rate:,.0f} rows/s; export/floor {floor_rate / rate:.2f}x"
    )
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
        "--keep",
        action="store_true",
        help="commit the generated data and keep it; a later run reuses it,"
        " adding only the moves missing to reach --moves",
    )
    parser.add_argument(
        "--build-only", action="store_true", help="stop after building the data"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each report and floor"
    )
    parser.add_argument(
        "--only",
        help="comma-separated reports to run, with their peak memory (default:"
        " all, then the native paths and the XLSX export)",
    )
    parser.add_argument(
        "--xlsx",
        help="the XLSX export timed: report[:week|month[:N]] (default dead_stock);"
        " with --only, name xlsx among the reports to run it",
    )
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
        if args.keep:
            cr.commit()
            with measure("vacuum the kept bench", results):
                vacuum(args.db)
        if args.build_only:
            return
        only = set(args.only.split(",")) if args.only else None
        run_reports(env, warehouses, results, only, args.repeat)
        if not only and not args.no_native:
            run_native(env, warehouses, products, results)
        if not only or "xlsx" in only:
            run_xlsx(env, warehouses, results, args.xlsx)
        if not args.no_memory:
            run_memory(env, warehouses, results, only, args.xlsx)
        cr.rollback()


if __name__ == "__main__":
    main()
