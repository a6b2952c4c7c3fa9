"""Adapters from readers' native JSON to the neutral batch
(``rfid-read-batch/1``), with no ORM.

- Impinj IoT device interface: a JSON array of events (or one event, or
  newline-delimited events); ``tagInventoryEvent`` events carry ``epcHex``,
  ``antennaPort``, ``peakRssiCdbm`` (centi-dBm) and ``lastSeenTime``.
- Zebra IoT Connector: a JSON array or newline-delimited objects, each with
  ``idHex``, ``antenna``, ``peakRssi`` (dBm) and ``timestamp``, either at the
  top level or under ``data`` (with ``timestamp`` at the top level).

Readers that post these formats do not send a batch id: it is derived from
the body (a UUID 5 of its SHA-256), so a retried post is recognised as the
same batch. Events that are not tag reads (status, antenna events) are
ignored. The neutral ``read_batch.parse`` validates the result.
"""

import hashlib
import json
import uuid
from datetime import datetime, timezone

from .read_batch import SCHEMA, BatchError

# Namespace of the batch ids derived from native bodies
BATCH_NAMESPACE = uuid.UUID("5d0b8c52-7a2e-4f7e-9a0c-3f1d6f2a9b10")


def load_json_or_ndjson(body):
    """The objects of a JSON document (an array or one object) or of
    newline-delimited JSON, as a list. Raises BatchError (400)."""
    try:
        text = body.decode() if isinstance(body, bytes) else body
        try:
            data = json.loads(text)
        except ValueError:
            data = [json.loads(line) for line in text.splitlines() if line.strip()]
    except (ValueError, RecursionError) as error:
        raise BatchError("invalid_json", str(error)) from None
    items = data if isinstance(data, list) else [data]
    if not all(isinstance(item, dict) for item in items):
        raise BatchError("invalid_payload", "events must be JSON objects")
    return items


def derive_batch_id(reader_id, body):
    """A UUID that only depends on the reader and the body posted."""
    digest = hashlib.sha256(body if isinstance(body, bytes) else body.encode())
    return str(uuid.uuid5(BATCH_NAMESPACE, f"{reader_id}:{digest.hexdigest()}"))


def _neutral(reader_id, body, reads, vendor):
    """The neutral payload of ``reads``; sent_at is the latest read time
    (a reader reports them in one time zone), else the current time."""
    times = [read["last_seen"] for read in reads if isinstance(read["last_seen"], str)]
    now = datetime.now(timezone.utc).isoformat()
    return {
        "schema": SCHEMA,
        "batch_id": derive_batch_id(reader_id, body),
        "reader": {"id": reader_id, "vendor": vendor},
        "sent_at": max(times) if times else now,
        "reads": reads,
    }


def _scaled(value, factor):
    valid = isinstance(value, int | float) and not isinstance(value, bool)
    return value / factor if valid else value


def impinj_to_batch(reader_id, body):
    """Neutral payload of an Impinj IoT device interface body."""
    reads = []
    for event in load_json_or_ndjson(body):
        tag = event.get("tagInventoryEvent")
        if not isinstance(tag, dict):
            continue
        reads.append(
            {
                "epc": tag.get("epcHex") or "",
                "antenna": tag.get("antennaPort"),
                "rssi_dbm": _scaled(tag.get("peakRssiCdbm"), 100),
                "last_seen": tag.get("lastSeenTime") or event.get("timestamp"),
            }
        )
    return _neutral(reader_id, body, reads, "Impinj")


def zebra_to_batch(reader_id, body):
    """Neutral payload of a Zebra IoT Connector body."""
    reads = []
    for event in load_json_or_ndjson(body):
        data = event.get("data") if isinstance(event.get("data"), dict) else event
        if "idHex" not in data:
            continue
        reads.append(
            {
                "epc": data.get("idHex") or "",
                "antenna": data.get("antenna"),
                "rssi_dbm": data.get("peakRssi"),
                "last_seen": event.get("timestamp") or data.get("timestamp"),
                "count": data.get("reads"),
            }
        )
    return _neutral(reader_id, body, reads, "Zebra")


ADAPTERS = {"impinj": impinj_to_batch, "zebra": zebra_to_batch}
