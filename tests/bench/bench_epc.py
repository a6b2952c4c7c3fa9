"""Benchmark: GS1 EPC decoding (addons/stock_rfid/lib/epc.py) on one core.

Run on demand from the repository root; it needs neither a database nor Odoo
(the codec is loaded from its file):

    python3 tests/bench/bench_epc.py --count 200000 --repeat 5

It encodes COUNT distinct random SGTIN-96 EPCs (every partition) and as many
SGTIN-198 ones, then prints the best of REPEAT timings, in EPCs per second, of:
  * decode() of SGTIN-96, the fields only (the reader hot path);
  * decode() of SGTIN-96 with every URI and GS1 string materialised (pure
    identity URI, tag URI, element string, Digital Link);
  * decode() of SGTIN-198 (7-bit serials), and encode() of SGTIN-96.
It exits with status 1 when plain SGTIN-96 decoding is slower than --floor
(the issue's 200,000 decodes per second).
"""

import argparse
import importlib.util
import random
import sys
import time
from pathlib import Path

EPC_PATH = Path(__file__).resolve().parents[2] / "addons/stock_rfid/lib/epc.py"
SERIAL_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-./"


def load_codec():
    spec = importlib.util.spec_from_file_location("stock_rfid_epc", EPC_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def random_fields(rng):
    """Encode arguments of a random SGTIN of any partition, without serial."""
    prefix_digits = rng.randint(6, 12)
    company_prefix = str(rng.randrange(10**prefix_digits)).zfill(prefix_digits)
    reference_digits = 13 - prefix_digits
    reference = str(rng.randrange(10**reference_digits)).zfill(reference_digits)
    return {
        "filter": rng.randint(0, 7),
        "company_prefix": company_prefix,
        "reference": reference,
    }


def generate(epc, count, rng):
    """``count`` SGTIN-96 and ``count`` SGTIN-198 EPCs, as hexadecimal."""
    sgtin96, sgtin198 = [], []
    for _index in range(count):
        fields = random_fields(rng)
        serial = str(rng.randrange(2**38))
        sgtin96.append(epc.encode("sgtin-96", serial=serial, **fields))
        serial = "".join(rng.choices(SERIAL_CHARS, k=rng.randint(1, 20)))
        sgtin198.append(epc.encode("sgtin-198", serial=serial, **fields))
    return sgtin96, sgtin198


def best_rate(function, items, repeat):
    """Items per second of ``function(items)``, best of ``repeat`` runs."""
    best = float("inf")
    for _run in range(repeat):
        start = time.perf_counter()
        function(items)
        best = min(best, time.perf_counter() - start)
    return len(items) / best


def bench(epc, sgtin96, sgtin198, repeat):
    decode, encode = epc.decode, epc.encode

    def decode_all(hexes):
        for hex_str in hexes:
            decode(hex_str)

    def decode_materialised(hexes):
        for hex_str in hexes:
            tag = decode(hex_str)
            _uris = (tag.pure_identity_uri, tag.tag_uri, tag.digital_link)
            _element_string = tag.element_string

    decoded = [decode(hex_str) for hex_str in sgtin96]

    def encode_all(tags):
        for tag in tags:
            encode(
                tag.scheme, tag.filter, tag.company_prefix, tag.reference, tag.serial
            )

    return {
        "SGTIN-96 decode": best_rate(decode_all, sgtin96, repeat),
        "SGTIN-96 decode + URIs, element string, Digital Link": best_rate(
            decode_materialised, sgtin96, repeat
        ),
        "SGTIN-198 decode": best_rate(decode_all, sgtin198, repeat),
        "SGTIN-96 encode": best_rate(encode_all, decoded, repeat),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--floor", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    epc = load_codec()
    sgtin96, sgtin198 = generate(epc, args.count, random.Random(args.seed))
    python = sys.version.split()[0]
    print(f"{args.count:,} EPCs per scheme, best of {args.repeat}, Python {python}")
    rates = bench(epc, sgtin96, sgtin198, args.repeat)
    for label, rate in rates.items():
        print(f"{label:<55} {rate:>12,.0f} /s")
    if rates["SGTIN-96 decode"] < args.floor:
        print(f"below the floor of {args.floor:,} SGTIN-96 decodes per second")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
