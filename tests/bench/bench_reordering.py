"""Benchmark: threshold reordering against Odoo's native orderpoint procurement.

Run on demand from the repository root, on a database where
purchase_stock_threshold is installed:

    .venv/bin/python tests/bench/bench_reordering.py --db ims_test \
        --products 2000 --warehouses 5 --vendors 20      # 10,000 pairs
    .venv/bin/python tests/bench/bench_reordering.py --db ims_test \
        --products 10000 --warehouses 5 --vendors 200    # 50,000 pairs

It generates P products x W warehouses, every pair below its minimum (random
stock under it), each product bought from one of V vendors (set-based: SQL
copies of one product, vendor price and orderpoint created by the ORM; 50,000
pairs in seconds), then times in the same transaction, from flagged
product-locations to RFQ lines:
  * ``stock.threshold.rule.run_reordering`` on "all products" threshold rules
    (min 20, max 100) of the warehouses;
  * Odoo's ``stock.warehouse.orderpoint._procure_orderpoint_confirm`` on the
    equivalent manual min/max orderpoints (after rolling the first side back
    to a savepoint, so that each side starts from the same state).
It prints times, time per purchase line, the ratio, query counts (total, per
line, per vendor) and whether both sides ordered the same quantities, then
rolls everything back. The query count of threshold reordering is also shown
for a run with half the products, to show that it grows with the vendors and
the products (Odoo's vendor product name of a line, one query per product),
not with the lines.
"""

import argparse
import json
import random
import time
from collections import defaultdict
from contextlib import contextmanager

import odoo
from odoo.tools import SQL


@contextmanager
def measure(cr, label, results):
    queries = cr.sql_log_count
    start = time.perf_counter()
    yield
    results[label] = (time.perf_counter() - start, cr.sql_log_count - queries)
    seconds, count = results[label]
    print(f"{label:<46} {seconds:9.3f} s {count:8d} queries")


def clone(cr, table, source_id, values):
    """Copies of row ``source_id`` of ``table`` in one INSERT, one per index
    of the lists of ``values`` (``{column: list}``), those columns replaced;
    return the new ids in the order of the lists. The ORM creates one model
    record, SQL copies it: set-based, whatever the number of rows."""
    cr.execute(
        "SELECT column_name, udt_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s "
        "AND column_name <> 'id' ORDER BY ordinal_position",
        [table],
    )
    types = dict(cr.fetchall())
    names = list(values)
    cr.execute(
        SQL(
            """INSERT INTO %(table)s (%(columns)s)
               SELECT %(select)s
                 FROM %(table)s t,
                      unnest(%(arrays)s) WITH ORDINALITY AS v(%(names)s, ord)
                WHERE t.id = %(source)s
                ORDER BY v.ord
            RETURNING id""",
            table=SQL.identifier(table),
            columns=SQL(", ").join(SQL.identifier(c) for c in types),
            select=SQL(", ").join(
                SQL.identifier("v" if c in values else "t", c) for c in types
            ),
            arrays=SQL(", ").join(
                SQL("%s::%s[]", values[c], SQL(types[c])) for c in names
            ),
            names=SQL(", ").join(SQL.identifier(c) for c in names),
            source=source_id,
        )
    )
    return [row[0] for row in cr.fetchall()]


def clone_relations(env, model, source_id, ids):
    """Give the copies ``ids`` the many2many links of record ``source_id``
    (the taxes of a product, say), one INSERT per relation."""
    for field in env[model]._fields.values():
        if field.type != "many2many" or not field.store:
            continue
        env.cr.execute(
            SQL(
                """INSERT INTO %(table)s (%(id1)s, %(id2)s)
                   SELECT c.id, r.%(id2)s
                     FROM unnest(%(ids)s::int[]) AS c(id), %(table)s r
                    WHERE r.%(id1)s = %(source)s
                   ON CONFLICT DO NOTHING""",
                table=SQL.identifier(field.relation),
                id1=SQL.identifier(field.column1),
                id2=SQL.identifier(field.column2),
                ids=ids,
                source=source_id,
            )
        )


def build(env, n_products, n_warehouses, n_vendors, rng):
    """Warehouses, vendors, products with one vendor each, stock below 20.

    Warehouses and vendors come from the ORM (a few hundred at most); the
    products, their vendor prices and quants are SQL copies of one product
    created by the ORM, so that generating 50,000 pairs takes seconds."""
    cr = env.cr
    warehouses = env["stock.warehouse"].create(
        [{"name": f"Bench RO {i}", "code": f"BR{i}"} for i in range(n_warehouses)]
    )
    vendors = env["res.partner"].create(
        [{"name": f"Bench Vendor {i}"} for i in range(n_vendors)]
    )
    model = env["product.product"].create({"name": "Bench RO", "is_storable": True})
    seller = env["product.supplierinfo"].create(
        {"partner_id": vendors[0].id, "product_tmpl_id": model.product_tmpl_id.id}
    )
    env.flush_all()
    template_ids = [
        model.product_tmpl_id.id,
        *clone(
            cr,
            "product_template",
            model.product_tmpl_id.id,
            {
                "name": [
                    json.dumps({"en_US": f"Bench RO {i}"}) for i in range(1, n_products)
                ]
            },
        ),
    ]
    product_ids = [
        model.id,
        *clone(cr, "product_product", model.id, {"product_tmpl_id": template_ids[1:]}),
    ]
    clone_relations(env, "product.template", template_ids[0], template_ids[1:])
    clone_relations(env, "product.product", product_ids[0], product_ids[1:])
    vendor_ids = [vendors[i % n_vendors].id for i in range(n_products)]
    cr.execute(
        "UPDATE product_supplierinfo SET price = %s WHERE id = %s",
        [rng.randint(1, 50), seller.id],
    )
    clone(
        cr,
        "product_supplierinfo",
        seller.id,
        {
            "partner_id": vendor_ids[1:],
            "product_tmpl_id": template_ids[1:],
            "price": [rng.randint(1, 50) for _i in range(1, n_products)],
        },
    )
    rows = [
        (product_id, wh.lot_stock_id.id, env.company.id, rng.randint(0, 19))
        for product_id in product_ids
        for wh in warehouses
    ]
    cr.execute(
        SQL(
            """INSERT INTO stock_quant
                   (product_id, location_id, company_id, quantity, reserved_quantity,
                    in_date, create_date, write_date)
               SELECT v.p, v.l, v.c, v.q, 0, now(), now(), now()
                 FROM unnest(%s::int[], %s::int[], %s::int[], %s::float8[])
                      AS v(p, l, c, q)""",
            *map(list, zip(*rows, strict=True)),
        )
    )
    env.invalidate_all()
    products = env["product.product"].browse(product_ids)
    return warehouses, vendors, products, vendor_ids


def create_rules(env, warehouses):
    return (
        env["stock.threshold.rule"]
        .with_context(tracking_disable=True)
        .create(
            [
                {
                    "warehouse_id": wh.id,
                    "product_scope": "all",
                    "safety_value": 5,
                    "min_value": 20,
                    "max_value": 100,
                    "reorder_policy": "draft",
                }
                for wh in warehouses
            ]
        )
    )


def create_orderpoints(env, warehouses, products, vendor_ids):
    """Manual min/max orderpoints of every pair: one from the ORM, the others
    SQL copies of it (their stored vendor is the product's)."""
    model = env["stock.warehouse.orderpoint"].create(
        {
            "product_id": products[0].id,
            "warehouse_id": warehouses[0].id,
            "location_id": warehouses[0].lot_stock_id.id,
            "product_min_qty": 20,
            "product_max_qty": 100,
            "trigger": "manual",
        }
    )
    env.flush_all()
    pairs = [
        (product.id, vendor_id, wh)
        for wh in warehouses
        for product, vendor_id in zip(products, vendor_ids, strict=True)
    ][1:]
    ids = [
        model.id,
        *clone(
            env.cr,
            "stock_warehouse_orderpoint",
            model.id,
            {
                "name": [f"Bench OP {i}" for i in range(len(pairs))],
                "product_id": [product_id for product_id, _v, _w in pairs],
                "product_supplier_id": [vendor_id for _p, vendor_id, _w in pairs],
                "warehouse_id": [wh.id for _p, _v, wh in pairs],
                "location_id": [wh.lot_stock_id.id for _p, _v, wh in pairs],
            },
        ),
    ]
    env.invalidate_all()
    return env["stock.warehouse.orderpoint"].browse(ids)


def ordered(env, warehouses, products):
    """``{(product_id, warehouse_id): quantity}`` of the RFQ lines."""
    lines = env["purchase.order.line"].search(
        [
            ("product_id", "in", products.ids),
            ("order_id.picking_type_id.warehouse_id", "in", warehouses.ids),
        ]
    )
    result = defaultdict(float)
    for line in lines:
        key = (line.product_id.id, line.order_id.picking_type_id.warehouse_id.id)
        result[key] += line.product_uom_qty
    return dict(result)


def bench_ours(env, warehouses, products, results):
    Rule = env["stock.threshold.rule"]
    half = products[: len(products) // 2]
    env.cr.execute("SAVEPOINT bench_half")
    env.invalidate_all()
    with measure(env.cr, "threshold reordering, half the products", results):
        Rule.run_reordering(warehouses.ids, half.ids)
        env.flush_all()
    env.cr.execute("ROLLBACK TO SAVEPOINT bench_half")
    env.invalidate_all()
    with measure(env.cr, "threshold reordering", results):
        summary = Rule.run_reordering(warehouses.ids, products.ids)
        env.flush_all()
    print(
        f"  {summary['lines_created']} lines in "
        f"{len(summary['purchase_order_ids'])} RFQs, "
        f"{len(summary['skipped'])} skipped"
    )
    return summary["lines_created"]


def bench_native(env, orderpoints, results):
    env.invalidate_all()
    with measure(env.cr, "native _procure_orderpoint_confirm", results):
        orderpoints._procure_orderpoint_confirm(company_id=env.company)
        env.flush_all()


def report(results, lines, n_vendors, native_lines):
    ours_s, ours_q = results["threshold reordering"]
    _half_s, half_q = results["threshold reordering, half the products"]
    print(
        f"threshold reordering: {ours_s / max(lines, 1) * 1000:.3f} ms/line, "
        f"{ours_q / max(lines, 1):.2f} queries/line, "
        f"{ours_q / n_vendors:.1f} queries/vendor "
        f"(half the lines: {half_q} queries)"
    )
    if "native _procure_orderpoint_confirm" in results:
        native_s, native_q = results["native _procure_orderpoint_confirm"]
        native_per_line = native_s / max(native_lines, 1)
        ours_per_line = ours_s / max(lines, 1)
        print(
            f"native: {native_per_line * 1000:.3f} ms/line, "
            f"{native_q / max(native_lines, 1):.2f} queries/line"
        )
        print(
            f"speed-up per purchase line vs native: "
            f"{native_per_line / max(ours_per_line, 1e-9):.1f}x; "
            f"queries: {native_q / max(ours_q, 1):.1f}x fewer"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="ims_test")
    parser.add_argument("--config", default=".odoo-config")
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--warehouses", type=int, default=5)
    parser.add_argument("--vendors", type=int, default=20)
    parser.add_argument("--skip-native", action="store_true")
    args = parser.parse_args()
    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.db, "--log-level=warn"]
    )
    registry = odoo.modules.registry.Registry(args.db)
    rng = random.Random(42)
    results = {}
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        pairs = args.products * args.warehouses
        print(
            f"{args.products} products x {args.warehouses} warehouses = {pairs} "
            f"flagged pairs, {args.vendors} vendors"
        )
        with measure(cr, "generate data", results):
            warehouses, _vendors, products, vendor_ids = build(
                env, args.products, args.warehouses, args.vendors, rng
            )
        with measure(cr, "create rules and orderpoints", results):
            create_rules(env, warehouses)
            orderpoints = create_orderpoints(env, warehouses, products, vendor_ids)
            env.flush_all()
        cr.execute(
            "ANALYZE stock_quant, stock_move, stock_threshold_status, "
            "stock_warehouse_orderpoint, product_product, product_template, "
            "purchase_order, purchase_order_line"
        )
        cr.execute("SAVEPOINT bench_start")
        lines = bench_ours(env, warehouses, products, results)
        ours = ordered(env, warehouses, products)
        cr.execute("ROLLBACK TO SAVEPOINT bench_start")
        env.invalidate_all()
        native, native_lines = {}, 0
        if not args.skip_native:
            bench_native(env, orderpoints, results)
            native = ordered(env, warehouses, products)
            native_lines = len(native)
            differ = sum(
                1
                for key in ours.keys() | native.keys()
                if abs(ours.get(key, 0) - native.get(key, 0)) > 1e-6
            )
            print(f"quantities differ on {differ}/{len(ours)} product-warehouses")
        report(results, lines, args.vendors, native_lines)
        cr.rollback()


if __name__ == "__main__":
    main()
