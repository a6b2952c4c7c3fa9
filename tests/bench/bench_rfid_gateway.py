"""Benchmark: the RFID reader gateway (POST /rfid/v1/reads) over loopback HTTP.

Run on demand from the repository root, on a database where stock_rfid is
installed:

    python3 tests/bench/bench_rfid_gateway.py --db ims_test --runs 3

It starts Odoo on a free loopback port (no cron; ``--workers`` as Odoo's
option: 0, the default, is one threaded process, N > 0 N prefork worker
processes, as production runs), unless ``--url`` names a running server of
the same database, then for each size in ``--sizes`` (default 1,000 and 10,000
reads) posts ``--runs`` runs of reads: 30 % duplicates of EPCs of the same run,
5 % undecodable EPCs, the others distinct SGTIN-96 EPCs of 200 products with
GTINs. A run is posted in batches of at most ``--batch`` reads (the gateway
accepts 5,000 at most, so a 10,000-read run is two batches). ``--clients N``
(default 1) posts with N readers at once, each its own reader and key and
``--runs`` runs of its own. It prints, per size:
  * reads per second over all runs (wall time of the posts, from the first
    to the last with several clients);
  * the 95th percentile of the time per 1,000 reads (each post's time
    divided by its thousands of reads);
  * the ratio to a plain ORM batch create of the same rows (tags, reads and
    exceptions created with ``create(vals_list)`` in this process, then
    rolled back; the runs of the first client): gateway reads/s divided by
    ORM reads/s;
  * the same against plain SQL writing the same rows (tags, a read per tag
    and exceptions, each in one INSERT from arrays, rolled back): the
    database's cost of the rows with their foreign keys and indexes, the
    floor of the gateway (``of SQL``: gateway reads/s divided by SQL
    reads/s).
The reader, products, tags, reads and batches it creates are removed at the
end, and the RFID tables vacuumed before and after, so that the rows of a
previous run do not slow the next one down. It prints the load average of the
machine before and after: compare figures taken under a similar load.
``--known`` measures reads of tags already in the register (the usual case
once tags are commissioned or seen, where the first sight is the worst
case): each run is first posted once, untimed, an hour earlier (beyond the
read window), so that the timed posts update known tags and add their reads;
the ORM path then searches the tags by EPC and writes their last sight.
``--floor`` (default 0: off) makes it exit 1 below that many reads/s.
"""

import argparse
import importlib
import importlib.util
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import bench_db
import psutil
import psycopg2

import odoo

ROOT = Path(__file__).resolve().parents[2]
EPC_PATH = ROOT / "addons/stock_rfid/lib/epc.py"
COMPANY_PREFIX = "0614141"
PRODUCTS = 200
BAD_EPCS = ("XYZ", "3574257BF7194E4000001A85", "30", "FF00")


def load_codec():
    """The EPC codec, from its file: it imports nothing from Odoo."""
    spec = importlib.util.spec_from_file_location("stock_rfid_epc", EPC_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sgtin(epc_codec, reference, serial):
    return epc_codec.encode("sgtin-96", 1, COMPANY_PREFIX, reference, serial)


def free_port():
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def setup(registry, epc_codec, clients=1):
    """Readers (one per client) with their keys and products with GTINs,
    committed: ([(reader id, identifier, key)], (product ids, references,
    {GTIN-14: product id}))."""
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        references = [f"9{index:05d}" for index in range(PRODUCTS)]
        gtins = [
            epc_codec.decode(sgtin(epc_codec, reference, 1)).gtin14
            for reference in references
        ]
        products = env["product.product"].create(
            [
                {
                    "name": f"RFID bench {reference}",
                    "is_storable": True,
                    "barcode": gtin,
                }
                for reference, gtin in zip(references, gtins, strict=True)
            ]
        )
        readers = env["stock.rfid.reader"].create(
            [
                {"name": f"Bench reader {index}", "identifier": f"bench-{uuid.uuid4()}"}
                for index in range(clients)
            ]
        )
        keys = [
            reader.action_generate_api_key()["context"]["default_key"]
            for reader in readers
        ]
        return (
            [
                (reader.id, reader.identifier, key)
                for reader, key in zip(readers, keys, strict=True)
            ],
            (products.ids, references, dict(zip(gtins, products.ids, strict=True))),
        )


def clean_up(registry, reader_ids, product_ids):
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        domain = [("reader_id", "in", reader_ids)]
        batches = env["stock.rfid.read.batch"].search(domain)
        tags = env["stock.rfid.read"].search(domain).tag_id
        cr.execute(
            "DELETE FROM stock_rfid_read_exception WHERE reader_id = ANY(%s)",
            [reader_ids],
        )
        cr.execute(
            "DELETE FROM stock_rfid_read WHERE batch_id = ANY(%s)", [batches.ids]
        )
        batches.unlink()
        tags.unlink()
        env["stock.rfid.reader"].browse(reader_ids).unlink()
        env["product.product"].browse(product_ids).unlink()


def vacuum(db):
    """VACUUM ANALYZE the tables the gateway writes (outside a transaction)."""
    bench_db.vacuum(
        db,
        [
            "stock_rfid_tag",
            "stock_rfid_read",
            "stock_rfid_read_exception",
            "stock_rfid_read_batch",
        ],
    )


def load():
    return "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())


def backend_pids(db):
    """Pids of the PostgreSQL backends connected to ``db`` (the server's
    pool; this script's own connections are idle between sizes)."""
    _name, info = odoo.sql_db.connection_info_for(db)
    connection = psycopg2.connect(**info)
    try:
        with connection.cursor() as cr:
            cr.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [db],
            )
            return [pid for (pid,) in cr.fetchall()]
    finally:
        connection.close()


def cpu_seconds(pids):
    """{pid: user + system CPU seconds} of the processes still running."""
    seconds = {}
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.Error:
            continue
        seconds[pid] = times.user + times.system
    return seconds


class CpuMeter:
    """CPU seconds of the Odoo server (its process and workers) and of the
    PostgreSQL backends of the database between ``start`` and ``stop``: on
    a shared machine, a steadier comparison than wall time. A backend
    opened meanwhile counts from zero; one closed meanwhile is lost."""

    def __init__(self, db, server):
        self.db, self.server = db, server

    def _server_pids(self):
        if not self.server:
            return []
        process = psutil.Process(self.server.pid)
        return [process.pid] + [child.pid for child in process.children(True)]

    def start(self):
        self.odoo = cpu_seconds(self._server_pids())
        self.pg = cpu_seconds(backend_pids(self.db))

    def stop(self):
        """(Odoo CPU seconds, PostgreSQL CPU seconds) since ``start``."""
        odoo_now = cpu_seconds(self._server_pids())
        pg_now = cpu_seconds(backend_pids(self.db))
        return (
            sum(value - self.odoo.get(pid, 0) for pid, value in odoo_now.items()),
            sum(value - self.pg.get(pid, 0) for pid, value in pg_now.items()),
        )


def make_reads(rng, epc_codec, references, size, serials):
    """``size`` reads: 5 % undecodable, 30 % duplicates, the rest new."""
    now = datetime.now(timezone.utc)
    reads, distinct = [], []
    for index in range(size):
        draw = rng.random()
        if draw < 0.05:
            epc_hex = rng.choice(BAD_EPCS)
        elif draw < 0.35 and distinct:
            epc_hex = rng.choice(distinct)
        else:
            epc_hex = sgtin(epc_codec, rng.choice(references), next(serials))
            distinct.append(epc_hex)
        seen = (now + timedelta(milliseconds=index)).isoformat()
        reads.append(
            {
                "epc": epc_hex,
                "antenna": rng.randint(1, 4),
                "rssi_dbm": -rng.uniform(40, 75),
                "first_seen": seen,
                "last_seen": seen,
            }
        )
    return reads


def earlier(reads, delta):
    """Copies of ``reads`` seen ``delta`` earlier."""
    return [
        dict(
            read,
            first_seen=(datetime.fromisoformat(read["first_seen"]) - delta).isoformat(),
            last_seen=(datetime.fromisoformat(read["last_seen"]) - delta).isoformat(),
        )
        for read in reads
    ]


def register(args, url, readers, runs_by_client):
    """Post every run once an hour earlier, untimed (``--known``): the tags
    of the timed posts are then in the register."""
    for (_reader_id, identifier, key), runs in zip(
        readers, runs_by_client, strict=True
    ):
        for reads in runs:
            for offset in range(0, len(reads), args.batch):
                chunk = reads[offset : offset + args.batch]
                post(url, key, identifier, earlier(chunk, timedelta(hours=1)))


def post(url, key, identifier, reads):
    payload = {
        "schema": "rfid-read-batch/1",
        "batch_id": str(uuid.uuid4()),
        "reader": {"id": identifier},
        "sent_at": datetime.now(timezone.utc).isoformat(),
        "reads": reads,
    }
    request = urllib.request.Request(
        f"{url}/rfid/v1/reads",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"},
    )
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=300) as response:
        body = json.loads(response.read())
    return time.perf_counter() - start, body


def odoo_command():
    """The command starting Odoo: its odoo-bin script when there is one (with
    ``python -m odoo``, prefork workers fail to spawn the gevent process,
    which runs ``sys.argv[0]``, the package's __main__.py), else ``-m odoo``."""
    script = Path(odoo.__file__).resolve().parents[1] / "odoo-bin"
    if script.exists():
        return [sys.executable, str(script)]
    return [sys.executable, "-m", "odoo"]


def start_server(args, port):
    """Odoo serving ``args.db`` alone (``-d``, no database filter), as a
    single-database server does (see .odoo-config): with a filter, Odoo
    lists the server's databases for every request without a session
    cookie, which readers do not send."""
    command = [
        *odoo_command(),
        "-c",
        args.config,
        "-d",
        args.db,
        "--http-interface",
        "127.0.0.1",
        "--http-port",
        str(port),
        "--workers",
        str(args.workers),
        "--max-cron-threads",
        "0",
        "--gevent-port",
        str(free_port()),
        "--log-level",
        "warn",
    ]
    server = subprocess.Popen(command, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    for _attempt in range(240):
        try:
            urllib.request.urlopen(f"{url}/web/health", timeout=5)
            return server, url
        except OSError:  # refused, reset or timed out while it starts
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("Odoo did not start")


@contextmanager
def bench_company(registry, reader_id, label):
    """(environment, reader, a new company) of a transaction rolled
    back after the block: the rows written meanwhile are not kept."""
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env["res.company"].create({"name": f"{label} bench {uuid.uuid4()}"})
        env.flush_all()
        try:
            yield env, env["stock.rfid.reader"].browse(reader_id), company
        finally:
            cr.rollback()


def decode_run(epc_codec, reads):
    """({epc: Epc} of the decodable reads, [(read, EpcError)] of the
    others)."""
    good, bad = {}, []
    for read in reads:
        try:
            good.setdefault(read["epc"], epc_codec.decode(read["epc"]))
        except epc_codec.EpcError as error:
            bad.append((read, error))
    return good, bad


def orm_reads_per_second(registry, reader_id, runs, known=False):
    """Reads/s of a plain ORM create of the rows the gateway writes, in a
    company of their own (the gateway registered the same EPCs), rolled
    back; with ``known``, the tags the gateway registered are searched by
    EPC and their last sight written instead of new tags created."""
    epc_codec = load_codec()
    with bench_company(registry, reader_id, "ORM") as (env, reader, company):
        total, start = 0, time.perf_counter()
        for reads in runs:
            total += len(reads)
            good, bad = decode_run(epc_codec, reads)
            Tag = env["stock.rfid.tag"]
            now = odoo.fields.Datetime.now()
            if known:
                tags = Tag.search(
                    [
                        ("epc", "in", [key.upper() for key in good]),
                        ("company_id", "=", reader.company_id.id),
                    ]
                )
                tags.write(
                    {"last_seen": now, "last_reader_id": reader.id, "state": "active"}
                )
            else:
                tags = Tag.create(
                    [
                        {
                            **Tag._prepare_decoded_values(value),
                            "epc": key,
                            "company_id": company.id,
                        }
                        for key, value in good.items()
                    ]
                )
            batch = env["stock.rfid.read.batch"].create(
                {
                    "batch_id": str(uuid.uuid4()),
                    "reader_id": reader.id,
                    "company_id": company.id,
                }
            )
            env["stock.rfid.read"].create(
                [
                    {
                        "tag_id": tag.id,
                        "batch_id": batch.id,
                        "first_seen": now,
                        "last_seen": now,
                    }
                    for tag in tags
                ]
            )
            env["stock.rfid.read.exception"].create(
                [
                    {
                        "reader_id": reader.id,
                        "batch_id": batch.id,
                        "epc": read["epc"],
                        "error_code": error.code,
                        "date": now,
                        "company_id": company.id,
                    }
                    for read, error in bad
                ]
            )
            env.flush_all()
        seconds = time.perf_counter() - start
    return total / seconds


TAG_COLUMNS = (
    "epc scheme pure_identity_uri tag_uri element_string gtin serial product_id"
).split()
TAG_TYPES = "varchar varchar varchar varchar varchar varchar varchar int".split()


def sql_reads_per_second(registry, reader_id, runs, product_of, known=False):
    """Reads/s of plain SQL writing the rows the gateway writes: per run the
    EPCs decoded (each once), a batch, then in one INSERT from arrays each
    the tags (decoded fields, product by GTIN from ``product_of``, sighting),
    a read per tag and the exceptions; with ``known``, one UPDATE of the
    tags the gateway registered instead of the INSERT. In a company of its
    own, rolled back. The database's cost of the rows, with their foreign
    keys and indexes: the floor of the gateway, which also validates,
    aggregates, matches and answers over HTTP."""
    epc_codec = load_codec()
    literal = importlib.import_module("odoo.addons.stock_rfid.lib.sql_array").literal
    with bench_company(registry, reader_id, "SQL") as (env, reader, company):
        cr = env.cr
        total, start = 0, time.perf_counter()
        for reads in runs:
            total += len(reads)
            good, bad = decode_run(epc_codec, reads)
            now = odoo.fields.Datetime.now()
            batch = env["stock.rfid.read.batch"].create(
                {
                    "batch_id": str(uuid.uuid4()),
                    "reader_id": reader.id,
                    "company_id": company.id,
                }
            )
            batch.flush_recordset()
            if known:
                tag_ids = update_known_tags(cr, literal, reader, list(good), now)
            else:
                tag_ids = insert_tags(cr, literal, reader, company, good, product_of)
            cr.execute(
                "INSERT INTO stock_rfid_read (tag_id, batch_id, first_seen,"
                " last_seen, read_count) SELECT v.id, %s, %s, %s, 1"
                " FROM unnest(%s::int[]) AS v(id)",
                [batch.id, now, now, literal(tag_ids)],
            )
            cr.execute(
                "INSERT INTO stock_rfid_read_exception (index, epc, error_code,"
                " raw_uri, reader_id, batch_id, company_id, date, active)"
                " SELECT 0, v.epc, v.code, NULL, %s, %s, %s, %s, TRUE"
                " FROM unnest(%s::varchar[], %s::varchar[]) AS v(epc, code)",
                [
                    reader.id,
                    batch.id,
                    company.id,
                    now,
                    literal(read["epc"] for read, _error in bad),
                    literal(error.code for _read, error in bad),
                ],
            )
        seconds = time.perf_counter() - start
    return total / seconds


def insert_tags(cr, literal, reader, company, decoded, product_of):
    """Ids of the tags of ``decoded`` ({epc: Epc}) inserted in ``company``,
    seen now by ``reader``, in one INSERT from arrays."""
    rows = [
        (
            key,
            value.scheme,
            value.pure_identity_uri,
            value.tag_uri,
            value.element_string,
            value.gtin14,
            value.serial,
            product_of.get(value.gtin14),
        )
        for key, value in decoded.items()
    ]
    arrays = ", ".join(f"%s::{kind}[]" for kind in TAG_TYPES)
    cr.execute(
        f"""
        INSERT INTO stock_rfid_tag ({", ".join(TAG_COLUMNS)}, company_id, state,
                                    unmatched, first_seen, last_seen,
                                    last_reader_id, create_uid, write_uid,
                                    create_date, write_date)
        SELECT v.*, %s, 'active', v.product_id IS NULL,
               NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC', %s, %s, %s,
               NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
          FROM unnest({arrays}) AS v({", ".join(TAG_COLUMNS)})
     RETURNING id
        """,
        [
            company.id,
            reader.id,
            odoo.SUPERUSER_ID,
            odoo.SUPERUSER_ID,
            *(literal(row[index] for row in rows) for index in range(len(TAG_TYPES))),
        ],
    )
    return [tag_id for (tag_id,) in cr.fetchall()]


def update_known_tags(cr, literal, reader, epcs, now):
    """Ids of the tags of ``epcs`` in the reader's company, their last sight
    written in one UPDATE."""
    cr.execute(
        """
        UPDATE stock_rfid_tag t
           SET last_seen = %s, last_reader_id = %s, state = 'active',
               write_date = NOW() AT TIME ZONE 'UTC'
          FROM unnest(%s::varchar[]) AS v(epc)
         WHERE t.epc = v.epc AND t.company_id = %s
     RETURNING t.id
        """,
        [now, reader.id, literal(epcs), reader.company_id.id],
    )
    return [tag_id for (tag_id,) in cr.fetchall()]


def post_runs(args, url, key, identifier, runs):
    """([post seconds per 1,000 reads], [accepted, duplicates, invalid],
    seconds posting) of one client posting ``runs``."""
    per_thousand, counts, wall = [], [0, 0, 0], 0.0
    for reads in runs:
        for offset in range(0, len(reads), args.batch):
            chunk = reads[offset : offset + args.batch]
            seconds, body = post(url, key, identifier, chunk)
            wall += seconds
            per_thousand.append(seconds / (len(chunk) / 1000))
            counts[0] += body["accepted"]
            counts[1] += body["duplicates"]
            counts[2] += len(body["invalid"])
    return per_thousand, counts, wall


def bench_size(args, url, readers, runs_by_client):
    """(reads/s, p95 seconds per 1,000 reads, accepted, duplicates, invalid)
    of the clients posting their runs at once: ``readers`` [(reader id,
    identifier, key)] and ``runs_by_client`` [runs] in the same order."""
    if len(readers) == 1:
        (_reader_id, identifier, key), runs = readers[0], runs_by_client[0]
        per_thousand, counts, wall = post_runs(args, url, key, identifier, runs)
    else:
        start = time.perf_counter()
        with ThreadPoolExecutor(len(readers)) as pool:
            futures = [
                pool.submit(post_runs, args, url, key, identifier, runs)
                for (_id, identifier, key), runs in zip(
                    readers, runs_by_client, strict=True
                )
            ]
            results = [future.result() for future in futures]
        wall = time.perf_counter() - start
        per_thousand = [value for result in results for value in result[0]]
        counts = [sum(result[1][index] for result in results) for index in range(3)]
    total = sum(len(reads) for runs in runs_by_client for reads in runs)
    p95 = (
        statistics.quantiles(per_thousand, n=20)[-1]
        if len(per_thousand) > 1
        else per_thousand[0]
    )
    return total / wall, p95, counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="ims_test")
    parser.add_argument("--config", default=".odoo-config")
    parser.add_argument("--url", help="a running Odoo of --db (default: start one)")
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--floor", type=float, default=0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--workers", type=int, default=0, help="Odoo --workers of the server started"
    )
    parser.add_argument(
        "--clients", type=int, default=1, help="readers posting at the same time"
    )
    parser.add_argument(
        "--known",
        action="store_true",
        help="re-read tags already in the register (see the module docstring)",
    )
    args = parser.parse_args()
    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.db, "--log-level=warn"]
    )
    registry = odoo.modules.registry.Registry(args.db)
    epc_codec = load_codec()
    rng = random.Random(args.seed)
    vacuum(args.db)
    readers, (product_ids, references, product_of) = setup(
        registry, epc_codec, args.clients
    )
    reader_ids = [reader[0] for reader in readers]
    serials = iter(range(rng.randrange(10**9), 2**38))
    server = None
    try:
        if args.url:
            url = args.url.rstrip("/")
        else:
            server, url = start_server(args, free_port())
        for _reader_id, identifier, key in readers:
            warm_up = make_reads(rng, epc_codec, references, 50, serials)
            post(url, key, identifier, warm_up)
        slowest = None
        tags = "known tags" if args.known else "tags seen first"
        print(
            f"{args.clients} client(s), Odoo --workers={args.workers}, {tags}; {load()}"
        )
        print(
            f"{'reads/run':>10} {'runs':>5} {'reads/s':>10} {'p95 ms/1k':>10} "
            f"{'ORM reads/s':>12} {'ratio':>7} {'SQL reads/s':>12} {'of SQL':>7}"
            f" {'odoo cpu':>9} {'pg cpu':>7}"
            "  accepted/duplicates/invalid (CPU: ms per 1,000 reads)"
        )
        meter = CpuMeter(args.db, server)
        for size in map(int, args.sizes.split(",")):
            runs_by_client = [
                [
                    make_reads(rng, epc_codec, references, size, serials)
                    for _run in range(args.runs)
                ]
                for _reader in readers
            ]
            if args.known:
                register(args, url, readers, runs_by_client)
            meter.start()
            rate, p95, counts = bench_size(args, url, readers, runs_by_client)
            odoo_cpu, pg_cpu = meter.stop()
            thousands = size * args.runs * len(readers) / 1000
            orm_rate = orm_reads_per_second(
                registry, reader_ids[0], runs_by_client[0], args.known
            )
            sql_rate = sql_reads_per_second(
                registry, reader_ids[0], runs_by_client[0], product_of, args.known
            )
            print(
                f"{size:>10} {args.runs:>5} {rate:>10.0f} {p95 * 1000:>10.1f} "
                f"{orm_rate:>12.0f} {rate / orm_rate:>7.2f} "
                f"{sql_rate:>12.0f} {rate / sql_rate:>7.2f} "
                f"{odoo_cpu * 1000 / thousands:>9.1f} {pg_cpu * 1000 / thousands:>7.1f}"
                f"  {counts[0]}/{counts[1]}/{counts[2]}"
            )
            slowest = rate if slowest is None else min(slowest, rate)
        print(load())
    finally:
        if server:
            server.terminate()
            server.wait(timeout=60)
        clean_up(registry, reader_ids, product_ids)
        vacuum(args.db)
    if args.floor and slowest < args.floor:
        print(f"FAIL: {slowest:.0f} reads/s is below the floor of {args.floor:.0f}")
        sys.exit(1)


if __name__ == "__main__":
    main()
