"""Benchmark: threshold evaluation against Odoo's native reordering rules.

Run on demand from the repository root, on a database where stock_threshold is
installed (setup/test.sh leaves one: ims_test):

    .venv/bin/python tests/bench/bench_stock_threshold.py --db ims_test \
        --products 2000 --warehouses 10

It generates N products x M warehouses with stock, open moves and a month of
done deliveries, then times in the same transaction:
  * one full set-based evaluation of the statuses (``_evaluate``);
  * Odoo's native ``stock.warehouse.orderpoint`` computation of the same
    min/max decisions (``qty_forecast`` and ``qty_to_order`` of equivalent
    orderpoints);
  * the incremental hook: a 1,000-line picking validated with and without it.
It prints times, the ratio, query counts and whether the decisions agree, then
rolls everything back.

``--all-channels`` turns every alert channel on (activity, one e-mail per
alert, live notice, webhook with an endpoint) for the hook runs. E-mails and
webhook posts happen after commit, in their scheduled actions: the hook only
marks the e-mails to send and queues the deliveries (no mail.mail is created).
``--crossing`` makes the hook picking a delivery that brings each of its
products from its stock to just below the minimum, each run in another
warehouse: every move then opens an alert (the worst case of the alert path),
instead of the receipt of one unit per product that crosses few thresholds.
After each picking validated without the hook, the hook's work for its moves
is also timed alone ("hook alone"), less noisy than the difference of two
pickings on a loaded machine. ``--profile FILE`` writes a cProfile of the
first picking with the hook.
"""

import argparse
import cProfile
import random
import time
from contextlib import contextmanager

import odoo
from odoo import Command, fields
from odoo.tools import SQL


@contextmanager
def measure(cr, label, results):
    queries = cr.sql_log_count
    start = time.perf_counter()
    yield
    results[label] = (time.perf_counter() - start, cr.sql_log_count - queries)
    seconds, count = results[label]
    print(f"{label:<42} {seconds:9.3f} s {count:8d} queries")


def build(env, n_products, n_warehouses, rng):
    warehouses = env["stock.warehouse"].create(
        [{"name": f"Bench WH {i}", "code": f"BW{i}"} for i in range(n_warehouses)]
    )
    products = env["product.product"].create(
        [{"name": f"Bench {i}", "is_storable": True} for i in range(n_products)]
    )
    now = fields.Datetime.now()
    quant_rows = [
        (p.id, wh.lot_stock_id.id, env.company.id, rng.randint(0, 120), now)
        for p in products
        for wh in warehouses
        if rng.random() < 0.8
    ]
    env.cr.execute(
        SQL(
            """INSERT INTO stock_quant
                   (product_id, location_id, company_id, quantity, reserved_quantity,
                    in_date, create_date, write_date)
               SELECT v.p, v.l, v.c, v.q, 0, v.d, v.d, v.d
                 FROM unnest(%s::int[], %s::int[], %s::int[], %s::float8[],
                             %s::timestamp[]) AS v(p, l, c, q, d)""",
            *map(list, zip(*quant_rows, strict=True)),
        )
    )
    customer = env.ref("stock.stock_location_customers")
    supplier = env.ref("stock.stock_location_suppliers")
    moves = []
    for p in products:
        for wh in warehouses:
            draw = rng.random()
            if draw < 0.1:
                moves.append((p, supplier, wh.lot_stock_id, "confirmed"))
            elif draw < 0.2:
                moves.append((p, wh.lot_stock_id, customer, "confirmed"))
            elif draw < 0.5:
                moves.append((p, wh.lot_stock_id, customer, "done"))
    env["stock.move"].create(
        [
            {
                "name": "bench",
                "product_id": p.id,
                "product_uom": p.uom_id.id,
                "product_uom_qty": rng.randint(1, 30),
                "quantity": 0,
                "location_id": src.id,
                "location_dest_id": dest.id,
                "state": state,
                "date": now,
            }
            for p, src, dest, state in moves
        ]
    )
    env.cr.execute(
        "UPDATE stock_move SET quantity = product_uom_qty WHERE name = 'bench' "
        "AND state = 'done'"
    )
    env.invalidate_all()
    return warehouses, products


def create_rules(env, warehouses, products, orderpoints=True):
    """A rule per warehouse, and with ``orderpoints`` the equivalent
    orderpoint of each pair (the slow part of the set-up)."""
    env["stock.threshold.rule"].with_context(tracking_disable=True).create(
        [
            {
                "warehouse_id": wh.id,
                "product_scope": "all",
                "safety_value": 5,
                "min_value": 20,
                "max_value": 100,
            }
            for wh in warehouses
        ]
    )
    if not orderpoints:
        return env["stock.warehouse.orderpoint"]
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


def compare_decisions(env, orderpoints):
    Status = env["stock.threshold.status"]
    ours = {
        (s.product_id.id, s.warehouse_id.id): s.to_reorder
        for s in Status.search([("warehouse_id", "in", orderpoints.warehouse_id.ids)])
    }
    theirs = {
        (op.product_id.id, op.warehouse_id.id): op.qty_to_order > 0
        for op in orderpoints
    }
    differ = sum(1 for key, value in theirs.items() if ours.get(key) != value)
    return len(theirs), differ


def enable_all_channels(env):
    """Every alert channel on for the company, and one webhook to post to
    (never reached: deliveries are posted after commit, and the bench rolls
    back)."""
    env.company.write(
        {
            "threshold_alert_activity": True,
            "threshold_alert_email": "each",
            "threshold_alert_bus": True,
            "threshold_alert_webhook": True,
        }
    )
    env["stock.threshold.webhook"].create(
        {
            "name": "Bench",
            "url": "http://127.0.0.1:9/bench",
            "secret_input": "a-bench-secret-of-32-characters!",
        }
    )


def prepare_receipt(env, warehouse, products):
    """One unit of each product received in the warehouse."""
    supplier = env.ref("stock.stock_location_suppliers")
    lines = [(p, 1) for p in products[:1000]]
    return supplier, warehouse.lot_stock_id, warehouse.in_type_id, lines


def prepare_crossing(env, warehouse, products):
    """Each product of the warehouse with 25 units or more delivered down to
    15, below the minimum of 20 (1,000 products at most)."""
    groups = env["stock.quant"]._read_group(
        [
            ("location_id", "=", warehouse.lot_stock_id.id),
            ("product_id", "in", products.ids),
        ],
        ["product_id"],
        ["quantity:sum"],
    )
    lines = [(p, qty - 15) for p, qty in groups if qty >= 25][:1000]
    customer = env.ref("stock.stock_location_customers")
    return warehouse.lot_stock_id, customer, warehouse.out_type_id, lines


# What the alert path leaves behind, to show which channels worked.
EFFECT_MODELS = (
    "stock.threshold.alert",
    "mail.activity",
    "mail.mail",
    "bus.bus",
    "stock.threshold.webhook.delivery",
)


def last_ids(env):
    env.flush_all()
    return {
        model: env[model].sudo().search([], order="id desc", limit=1).id or 0
        for model in EFFECT_MODELS
    }


def print_alert_effects(env, before):
    env.cr.precommit.run()  # the bus messages are stored on commit
    counts = ", ".join(
        f"{env[model].sudo().search_count([('id', '>', last)])} {model}"
        for model, last in before.items()
    )
    print(f"created by the hook runs: {counts}")


def bench_hook(
    env, warehouses, products, results, rounds=2, crossing=False, profile=None
):
    """Validate 1,000-line pickings with the refresh hook off and on, in
    alternating order so that neither side benefits from warm caches; a
    crossing delivery runs in another warehouse each time."""
    totals = {True: [0.0, 0], False: [0.0, 0]}
    for run in range(rounds * 2):
        skip = run % 2 == (0 if run // 2 % 2 == 0 else 1)
        if crossing:
            src, dest, picking_type, lines = prepare_crossing(
                env, warehouses[run % len(warehouses)], products
            )
        else:
            src, dest, picking_type, lines = prepare_receipt(
                env, warehouses[0], products
            )
        picking = env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": src.id,
                "location_dest_id": dest.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "bench",
                            "product_id": p.id,
                            "product_uom": p.uom_id.id,
                            "product_uom_qty": qty,
                            "location_id": src.id,
                            "location_dest_id": dest.id,
                        }
                    )
                    for p, qty in lines
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        env.flush_all()
        label = (
            f"{len(lines)}-line picking {'without' if skip else 'with'} hook #{run + 1}"
        )
        profiler = cProfile.Profile() if profile and not skip else None
        with measure(env.cr, label, results):
            if profiler:
                profiler.enable()
            picking.with_context(stock_threshold_skip_refresh=skip)._action_done()
            env.flush_all()
            if profiler:
                profiler.disable()
                profiler.dump_stats(profile)
                profile = None
        totals[skip][0] += results[label][0] / len(lines) * 1000
        totals[skip][1] += results[label][1]
        if skip:
            # The hook's own work, timed alone: what it would have done for
            # the moves just validated without it (less noisy than the
            # difference of two pickings on a loaded machine).
            alone = f"hook alone after #{run + 1} ({len(lines)} moves)"
            with measure(env.cr, alone, results):
                env["stock.threshold.status"]._evaluate_for_moves(picking.move_ids)
                env.flush_all()
            results.setdefault("hook alone per move", []).append(
                results[alone][0] / len(lines)
            )
    for skip, name in ((True, "picking without hook"), (False, "picking with hook")):
        results[name] = (totals[skip][0] / rounds, totals[skip][1] / rounds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="ims_test")
    parser.add_argument("--config", default=".odoo-config")
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--warehouses", type=int, default=10)
    parser.add_argument("--skip-native", action="store_true")
    parser.add_argument(
        "--all-channels",
        action="store_true",
        help="alerts, e-mail, bus and webhooks all on for the hook runs",
    )
    parser.add_argument(
        "--crossing",
        action="store_true",
        help="hook runs on deliveries where every move opens an alert",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="cProfile the first picking with the hook into FILE",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="pairs of pickings (with and without the hook) to validate",
    )
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
            f"{args.products} products x {args.warehouses} warehouses = {pairs} pairs"
        )
        with measure(cr, "generate data", results):
            warehouses, products = build(env, args.products, args.warehouses, rng)
        with measure(cr, "create rules (and orderpoints)", results):
            orderpoints = create_rules(
                env, warehouses, products, orderpoints=not args.skip_native
            )
            env.flush_all()
        # What autovacuum does on a live database after such a load.
        cr.execute(
            "ANALYZE stock_quant, stock_move, stock_threshold_status, "
            "stock_warehouse_orderpoint, product_product, product_template"
        )
        # The first evaluation after the load also creates the statuses and
        # alerts of the new products under the database's other rules (demo
        # data's "all products" rules, say): shown, not compared. Then three
        # full evaluations of a current database; the ratio uses the slowest.
        env.invalidate_all()
        with measure(cr, "first evaluation (new statuses, alerts)", results):
            env["stock.threshold.status"]._evaluate()
        for run in range(3):
            env.invalidate_all()
            with measure(cr, f"stock_threshold full evaluation #{run + 1}", results):
                env["stock.threshold.status"]._evaluate()
        results["stock_threshold full evaluation"] = max(
            results[f"stock_threshold full evaluation #{run + 1}"] for run in range(3)
        )
        if not args.skip_native:
            env.invalidate_all()
            with measure(cr, "native orderpoints qty_forecast/qty_to_order", results):
                orderpoints.read(["qty_forecast", "qty_to_order"])
            total, differ = compare_decisions(env, orderpoints)
            ratio = results["native orderpoints qty_forecast/qty_to_order"][0] / max(
                results["stock_threshold full evaluation"][0], 1e-9
            )
            print(
                f"speed-up vs native: {ratio:.1f}x; "
                f"decisions differ on {differ}/{total}"
            )
        if args.all_channels:
            enable_all_channels(env)
        before = last_ids(env)
        bench_hook(
            env,
            warehouses,
            products,
            results,
            rounds=args.rounds,
            crossing=args.crossing,
            profile=args.profile,
        )
        print_alert_effects(env, before)
        extra = (
            results["picking with hook"][0] - results["picking without hook"][0]
        ) / 1000
        print(f"incremental hook: {extra * 1000:.3f} ms added per done move")
        alone = results["hook alone per move"]
        print(
            "hook alone: "
            + ", ".join(f"{seconds * 1000:.3f}" for seconds in alone)
            + " ms per done move"
        )
        cr.rollback()


if __name__ == "__main__":
    main()
