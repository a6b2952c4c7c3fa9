"""Reader batches (schema ``rfid-read-batch/1``): validation and normalisation
of the neutral JSON payload that readers post, with no ORM.

``parse(payload)`` checks the envelope and every read's types and returns a
``Batch``; it raises ``BatchError`` (``status`` 400 or 413, a stable ``code``
and a message) for a payload that cannot be ingested at all. EPCs are not
decoded here: a read whose EPC does not decode is reported per read by the
ingestion, it never fails the batch.
"""

import uuid
from datetime import datetime, timezone
from typing import NamedTuple

SCHEMA = "rfid-read-batch/1"
MAX_READS = 5000


class BatchError(ValueError):
    """A payload that cannot be ingested: ``status`` is the HTTP status
    (400, 403 or 413), ``code`` a stable machine-readable reason."""

    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


class Read(NamedTuple):
    """One read of a batch, normalised: upper-case EPC, naive UTC datetimes."""

    index: int
    epc: str
    antenna: int | None
    rssi_dbm: float | None
    first_seen: datetime
    last_seen: datetime
    count: int


class Batch(NamedTuple):
    batch_id: str
    reader_id: str
    sent_at: datetime
    reads: list


def _require(condition, code, message):
    if not condition:
        raise BatchError(code, message)


def parse_datetime(value, where):
    """An RFC 3339 timestamp as a naive UTC datetime to the second, as Odoo
    stores datetimes."""
    _require(isinstance(value, str), "invalid_datetime", f"{where}: not a string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BatchError(
            "invalid_datetime", f"{where}: {value!r} is not an RFC 3339 timestamp"
        ) from None
    _require(moment.tzinfo, "invalid_datetime", f"{where}: a time zone is required")
    return moment.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)


def _optional_number(item, key, kind, index):
    value = item.get(key)
    if value is None or (isinstance(value, kind) and not isinstance(value, bool)):
        return value
    raise BatchError("invalid_read", f"reads[{index}].{key}: {value!r} is not a number")


def _second(value):
    """``value``, an RFC 3339 timestamp, without its fraction of a second
    (kept at the second, its parsed value is the same): the reads of a
    batch, each at its millisecond, mostly share their seconds."""
    if value[19:20] == "." and value[20:21].isdigit():
        return value[:19] + value[20:].lstrip("0123456789")
    return value


def _parse_time(value, index, key, times):
    """``parse_datetime`` of a read's time, through ``times``, the batch's
    {text to the second: datetime}."""
    where = f"reads[{index}].{key}"
    if not isinstance(value, str):
        return parse_datetime(value, where)
    second = _second(value)
    moment = times.get(second)
    if moment is None:
        try:
            moment = parse_datetime(second, where)
        except BatchError:  # raised again for the text sent, named in the error
            moment = parse_datetime(value, where)
        times[second] = moment
    return moment


def _check_read_strings(index, item, epc):
    """Raise the error of a read whose epc, tid or pc is no string."""
    if epc is None:
        raise BatchError("missing_epc", f"reads[{index}]: 'epc' is required")
    for key in ("epc", "tid", "pc"):
        if item.get(key) is not None and not isinstance(item[key], str):
            raise BatchError("invalid_read", f"reads[{index}].{key}: not a string")


# The types JSON gives the numbers of a read, checked at once (others, such as
# a boolean, go through _optional_number, which names the wrong one)
_INT = frozenset({int, type(None)})
_NUMBER = frozenset({int, float, type(None)})


def _parse_read(index, item, sent_at, times):
    """The ``Read`` of ``item``; the error messages are only built for an
    invalid read (a batch holds thousands). A read seen once has the same
    last and first seen: the text is parsed once."""
    if not isinstance(item, dict):
        raise BatchError("invalid_read", f"reads[{index}]: not an object")
    get = item.get
    epc = get("epc")
    tid, pc = get("tid"), get("pc")
    if not (
        isinstance(epc, str)
        and (tid is None or isinstance(tid, str))
        and (pc is None or isinstance(pc, str))
    ):
        _check_read_strings(index, item, epc)
    if get("frequency_khz").__class__ not in _NUMBER:
        _optional_number(item, "frequency_khz", (int, float), index)
    count = get("count")
    if count is not None:
        if count.__class__ is not int:
            count = _optional_number(item, "count", int, index)
        if count <= 0:
            raise BatchError("invalid_read", f"reads[{index}].count: not > 0")
    first = get("first_seen")
    last = get("last_seen")
    first_seen = _parse_time(first, index, "first_seen", times) if first else None
    if last == first:
        last_seen = first_seen
    else:
        last_seen = _parse_time(last, index, "last_seen", times) if last else None
    first_seen = first_seen or last_seen or sent_at
    antenna, rssi_dbm = get("antenna"), get("rssi_dbm")
    if antenna.__class__ not in _INT:
        antenna = _optional_number(item, "antenna", int, index)
    if rssi_dbm.__class__ not in _NUMBER:
        rssi_dbm = _optional_number(item, "rssi_dbm", (int, float), index)
    return Read(
        index,
        epc.strip().upper(),
        antenna,
        rssi_dbm,
        first_seen,
        max(last_seen or first_seen, first_seen),
        count or 1,
    )


def _parse_envelope(payload):
    _require(isinstance(payload, dict), "invalid_payload", "not a JSON object")
    schema = payload.get("schema")
    _require(schema == SCHEMA, "invalid_schema", f"schema must be {SCHEMA!r}")
    batch_id = payload.get("batch_id")
    try:
        batch_id = str(uuid.UUID(batch_id))
    except (TypeError, ValueError, AttributeError):
        raise BatchError("invalid_batch_id", "batch_id must be a UUID") from None
    reader = payload.get("reader")
    valid = isinstance(reader, dict) and isinstance(reader.get("id"), str)
    _require(valid and reader["id"], "invalid_reader", "reader.id is required")
    sent_at = parse_datetime(payload.get("sent_at"), "sent_at")
    return batch_id, reader["id"], sent_at


def parse(payload):
    """Validate a decoded JSON payload and return a ``Batch``.

    Raises ``BatchError``: 400 for a payload that does not follow the schema,
    413 for more than ``MAX_READS`` reads. Unknown keys are ignored.
    """
    batch_id, reader_id, sent_at = _parse_envelope(payload)
    reads = payload.get("reads")
    _require(isinstance(reads, list), "invalid_reads", "reads must be a list")
    _require(reads, "invalid_reads", "reads must hold at least one read")
    if len(reads) > MAX_READS:
        raise BatchError(
            "too_many_reads", f"a batch holds at most {MAX_READS} reads", status=413
        )
    times = {}
    parsed = [
        _parse_read(index, item, sent_at, times) for index, item in enumerate(reads)
    ]
    return Batch(batch_id, reader_id, sent_at, parsed)


class Sighting(NamedTuple):
    """Reads of one EPC on one reader, each within the window of the previous
    one, folded into one row: first/last seen, best RSSI, total count, and the
    antenna of the latest read."""

    epc: str
    reads: int
    first_seen: datetime
    last_seen: datetime
    rssi_dbm: float | None
    count: int
    antenna: int | None


def _fold(epc, reads):
    if len(reads) == 1:  # most sightings: a tag read once in the batch
        read = reads[0]
        return Sighting(
            epc,
            1,
            read.first_seen,
            read.last_seen,
            read.rssi_dbm,
            read.count,
            read.antenna,
        )
    best = [read.rssi_dbm for read in reads if read.rssi_dbm is not None]
    return Sighting(
        epc=epc,
        reads=len(reads),
        first_seen=min(read.first_seen for read in reads),
        last_seen=max(read.last_seen for read in reads),
        rssi_dbm=max(best) if best else None,
        count=sum(read.count for read in reads),
        antenna=max(reads, key=lambda read: read.last_seen).antenna,
    )


def aggregate(reads, window):
    """Fold ``reads`` (``Read`` tuples with decodable EPCs) into sightings:
    the reads of an EPC are sorted by first seen and a read starts a new
    sighting when it comes more than ``window`` (a timedelta) after the last
    one. Returns the sightings in order of EPC then time."""
    by_epc = {}
    for read in reads:
        by_epc.setdefault(read.epc, []).append(read)
    sightings = []
    for epc, epc_reads in by_epc.items():
        if len(epc_reads) > 1:
            epc_reads.sort(key=lambda read: read.first_seen)
        group = [epc_reads[0]]
        last_seen = epc_reads[0].last_seen  # of the group, kept as it grows
        for read in epc_reads[1:]:
            if read.first_seen - last_seen > window:
                sightings.append(_fold(epc, group))
                group, last_seen = [], read.last_seen
            group.append(read)
            last_seen = max(last_seen, read.last_seen)
        sightings.append(_fold(epc, group))
    return sightings
