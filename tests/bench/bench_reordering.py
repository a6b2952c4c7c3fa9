"""Benchmark: threshold reordering against Odoo's native orderpoint procurement.

Run on demand from the repository root, on a database where
purchase_stock_threshold is installed:

    .venv/bin/python tests/bench/bench_reordering.py --db ims_test \
        --products 2000 --warehouses 5 --vendors 20      # 10,000 pairs
    .venv/bin/python tests/bench/bench_reordering.py --db ims_test \
        --products 10000 --warehouses 5 --vendors 200    # 50,000 pairs

It generates P products x W warehouses, every pair below its minimum (random
stock under it), each product bought from one of V vendors, then times in the
same transaction, from flagged product-locations to RFQ lines:
  * ``stock.threshold.rule.run_reordering`` on "all products" threshold rules
    (min 20, max 100) of the warehouses;
  * Odoo's ``stock.warehouse.orderpoint._procure_orderpoint_confirm`` on the
    equivalent manual min/max orderpoints (after rolling the first side back
    to a savepoint, so that each side starts from the same state).
It prints times, time per purchase line, the ratio, query counts (total, per
line, per vendor) and whether both sides ordered the same quantities, then
rolls everything back. The query count of threshold reordering is also shown
for a run with half the products, to show that it grows with the vendors and
not with the lines.
"""

import argparse
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


def build(env, n_products, n_warehouses, n_vendors, rng):
    """Warehouses, vendors, products with one vendor each, stock below 20."""
    warehouses = env["stock.warehouse"].create(
        [{"name": f"Bench RO {i}", "code": f"BR{i}"} for i in range(n_warehouses)]
    )
    vendors = env["res.partner"].create(
        [{"name": f"Bench Vendor {i}"} for i in range(n_vendors)]
    )
    products = env["product.product"].create(
        [{"name": f"Bench RO {i}", "is_storable": True} for i in range(n_products)]
    )
    env["product.supplierinfo"].create(
        [
            {
                "partner_id": vendors[i % n_vendors].id,
                "product_tmpl_id": product.product_tmpl_id.id,
                "price": rng.randint(1, 50),
            }
            for i, product in enumerate(products)
        ]
    )
    rows = [
        (p.id, wh.lot_stock_id.id, env.company.id, rng.randint(0, 19))
        for p in products
        for wh in warehouses
    ]
    env.cr.execute(
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
    return warehouses, vendors, products


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


def create_orderpoints(env, warehouses, products):
    return env["stock.warehouse.orderpoint"].create(
        [
            {
                "product_id": p.id,
                "warehouse_id": wh.id,
                "location_id": wh.lot_stock_id.id,
                "product_min_qty": 20,
                "product_max_qty": 100,
                "trigger": "manual",
            }
            for wh in warehouses
            for p in products
        ]
    )


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
            warehouses, _vendors, products = build(
                env, args.products, args.warehouses, args.vendors, rng
            )
        with measure(cr, "create rules and orderpoints", results):
            create_rules(env, warehouses)
            orderpoints = create_orderpoints(env, warehouses, products)
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
