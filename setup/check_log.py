"""Fail when an Odoo log holds warnings or errors raised by the suite's code.

A record counts when its level is WARNING or above and either its logger is one
of the suite's addons (``odoo.addons.<addon>``) or its text names one of them
(Odoo's loader, ORM and HTTP layers report problems of an addon that way).
"""

import argparse
import re
import sys
from pathlib import Path

RECORD = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ "
    r"(?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL) \S+ (?P<logger>[\w.]+): "
)


def records(path):
    """Yield (level, logger, text) for each record, tracebacks included."""
    current = None
    for line in path.read_text(errors="replace").splitlines():
        match = RECORD.match(line)
        if match:
            if current:
                yield current
            current = [match["level"], match["logger"], line]
        elif current:
            current[2] += "\n" + line
    if current:
        yield current


def offending(path, addons):
    alternatives = "|".join(map(re.escape, addons))
    names = re.compile(rf"\b({alternatives})\b")
    for level, logger, text in records(path):
        if level not in ("WARNING", "ERROR", "CRITICAL"):
            continue
        ours = any(logger.startswith(f"odoo.addons.{a}") for a in addons)
        if ours or names.search(text):
            yield text


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--addons", required=True, help="comma-separated addons")
    parser.add_argument("logs", nargs="+", type=Path)
    args = parser.parse_args()
    addons = [a for a in args.addons.split(",") if a]
    found = 0
    for path in args.logs:
        if not path.exists():
            continue
        for text in offending(path, addons):
            found += 1
            sys.stderr.write(f"{path.name}: {text}\n")
    if found:
        sys.stderr.write(
            f"[ims] error: {found} warning(s)/error(s) of the suite in the log\n"
        )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
