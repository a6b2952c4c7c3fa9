from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..lib import epc as epc_codec
from ..lib import read_batch
from ..lib.sql_array import literal


class StockRfidReadBatch(models.Model):
    """A batch of reads received from a reader, kept with its response so
    that a retried batch_id is acknowledged with the same answer."""

    _name = "stock.rfid.read.batch"
    _description = "RFID Read Batch"
    _order = "id desc"
    _rec_name = "batch_id"

    batch_id = fields.Char(string="Batch UUID", required=True, readonly=True)
    reader_id = fields.Many2one(
        "stock.rfid.reader", required=True, readonly=True, index=True
    )
    sent_at = fields.Datetime(readonly=True)
    read_count = fields.Integer(string="Reads", readonly=True)
    accepted_count = fields.Integer(string="Accepted", readonly=True)
    duplicate_count = fields.Integer(string="Duplicates", readonly=True)
    invalid_count = fields.Integer(string="Invalid", readonly=True)
    response = fields.Json(readonly=True)
    exception_ids = fields.One2many(
        "stock.rfid.read.exception", "batch_id", string="Exceptions"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)

    _sql_constraints = [
        (
            "reader_batch_uniq",
            "UNIQUE(reader_id, batch_id)",
            "A batch can only be received once per reader.",
        ),
    ]

    @api.model
    def _ingest(self, reader, batch):
        """Record a parsed batch (read_batch.Batch) of ``reader``: tags
        created on first sight, reads aggregated per EPC within the company's
        read window, undecodable reads kept as exceptions. Returns the
        response body; a batch already received returns its first response
        and creates nothing. Set-based: a few queries per batch."""
        record = self._create_batch(reader, batch)
        if not record:
            done = self.search(
                [("reader_id", "=", reader.id), ("batch_id", "=", batch.batch_id)],
                limit=1,
            )
            return done.response
        decoded, valid, invalid = self._decode_reads(batch.reads)
        accepted = record._record_reads(reader, decoded, valid)
        record._create_exceptions(invalid)
        response = {
            "batch_id": batch.batch_id,
            "accepted": accepted,
            "duplicates": len(valid) - accepted,
            "invalid": [
                {"index": read.index, "epc": read.epc, "error": error.code}
                for read, error in invalid
            ],
        }
        record.write(
            {
                "accepted_count": accepted,
                "duplicate_count": response["duplicates"],
                "invalid_count": len(invalid),
                "response": response,
            }
        )
        return response

    @api.model
    def _create_batch(self, reader, batch):
        """The new batch record, or an empty recordset for a batch that the
        reader sent before. One INSERT, which the gateway runs per batch
        where an ORM create costs a search, two savepoints and the ORM's own
        work. When a concurrent request committed the same batch after this
        transaction began, its row is outside this transaction's snapshot:
        PostgreSQL then raises a serialization failure (Odoo's transactions
        are repeatable read), which Odoo retries, seeing the batch."""
        values = self._prepare_batch_values(reader, batch)
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO stock_rfid_read_batch
                       (%s, create_uid, write_uid, create_date, write_date)
                VALUES (%s, %s, %s, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC')
                    ON CONFLICT (reader_id, batch_id) DO NOTHING
             RETURNING id
                """,
                SQL(", ").join(SQL.identifier(name) for name in values),
                SQL(", ").join(values.values()),
                self.env.uid,
                self.env.uid,
            )
        )
        return self.browse(rows[0][0] if rows else ())

    @api.model
    def _prepare_batch_values(self, reader, batch):
        """Values of the batch record, created before its reads: the
        columns of its INSERT."""
        return {
            "batch_id": batch.batch_id,
            "reader_id": reader.id,
            "sent_at": batch.sent_at,
            "read_count": len(batch.reads),
            "company_id": reader.company_id.id,
        }

    @api.model
    def _decode_reads(self, reads):
        """({epc: Epc}, decodable reads, [(read, EpcError)]), each distinct
        EPC decoded once."""
        decoded, errors, valid, invalid = {}, {}, [], []
        for read in reads:
            if read.epc not in decoded and read.epc not in errors:
                try:
                    decoded[read.epc] = epc_codec.decode(read.epc)
                except epc_codec.EpcError as error:
                    errors[read.epc] = error
            if read.epc in errors:
                invalid.append((read, errors[read.epc]))
            else:
                valid.append(read)
        return decoded, valid, invalid

    def _record_reads(self, reader, decoded, reads):
        """Fold ``reads`` into sightings, register their tags (``decoded``:
        {epc: Epc}) with them, merge the sightings within the window of a
        recent read of the same tag and reader into it, create the others
        in one INSERT. Returns the number of reads created."""
        self.ensure_one()
        if not reads:
            return 0
        company = reader.company_id
        company.fetch(["rfid_read_window"])  # not its hundred other columns
        window = timedelta(seconds=company.rfid_read_window)
        sightings = read_batch.aggregate(reads, window)
        points = self._read_points(reader)
        tag_ids, created = self._register_tags(reader, decoded, sightings, points)
        recent = self._get_recent_reads(
            reader,
            [sighting for sighting in sightings if sighting.epc not in created],
            tag_ids,
            window,
        )
        merges, creations = [], []
        for sighting in sightings:
            latest = recent.get(tag_ids[sighting.epc])
            if latest and self._within(sighting, latest, window):
                merges.append((latest[0], sighting))
            else:
                creations.append(sighting)
        self._create_reads(creations, tag_ids, points)
        self._merge_reads(merges)
        self._fill_portals(sightings, tag_ids, points)
        return len(creations)

    @api.model
    def _register_tags(self, reader, decoded, sightings, points):
        """({epc: tag id} of the tags of ``sightings``, {epc: id} of those
        created): the unknown ones are created with their sightings, the
        others updated from them."""
        Tag = self.env["stock.rfid.tag"]
        epcs = {epc: epc for epc in decoded}
        seen = Tag._prepare_seen_values(reader, sightings, epcs, points)
        tag_ids, created = Tag._get_or_create_seen(reader.company_id, decoded, seen)
        Tag._update_from_sightings(
            {tag_ids[epc]: values for epc, values in seen.items() if epc not in created}
        )
        return tag_ids, created

    @api.model
    def _fill_portals(self, sightings, tag_ids, points):
        """Hand the tags read at each read point to its dock portals."""
        by_location = {}
        for sighting in sightings:
            location_id = points.get(sighting.antenna, points[None])[1]
            if location_id:
                by_location.setdefault(location_id, set()).add(tag_ids[sighting.epc])
        self.env["stock.rfid.portal"]._fill_from_tags(
            {location_id: list(ids) for location_id, ids in by_location.items()}
        )

    @api.model
    def _within(self, sighting, latest, window):
        _read_id, first_seen, last_seen = latest
        return (
            sighting.first_seen <= last_seen + window
            and sighting.last_seen >= first_seen - window
        )

    @api.model
    def _read_points(self, reader):
        """{antenna port: (antenna id, location id)} of ``reader``, in one
        query; the key None gives the reader's default read point."""
        default = reader.location_id.id or None
        antennas = self.env["stock.rfid.antenna"].search_fetch(
            [("reader_id", "=", reader.id)], ["port", "location_id"]
        )
        points = {
            antenna.port: (antenna.id, antenna.location_id.id or default)
            for antenna in antennas
        }
        points[None] = (None, default)
        return points

    @api.model
    def _get_recent_reads(self, reader, sightings, tag_ids, window):
        """{tag id: (read id, first seen, last seen)}: the latest read of
        each tag by ``reader`` that may be within the window of a sighting
        (none to look for without sightings: the tags that a batch creates
        have no reads yet)."""
        if not sightings:
            return {}
        Read = self.env["stock.rfid.read"]
        Read.flush_model(["tag_id", "batch_id", "first_seen", "last_seen"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (r.tag_id) r.tag_id, r.id, r.first_seen,
                       r.last_seen
                  FROM stock_rfid_read r
                  JOIN stock_rfid_read_batch b ON b.id = r.batch_id
                 WHERE b.reader_id = %s AND r.tag_id = ANY(%s::int[])
                   AND r.last_seen >= %s AND r.first_seen <= %s
              ORDER BY r.tag_id, r.last_seen DESC, r.id DESC
                """,
                reader.id,
                literal({tag_ids[sighting.epc] for sighting in sightings}),
                min(sighting.first_seen for sighting in sightings) - window,
                max(sighting.last_seen for sighting in sightings) + window,
            )
        )
        return {tag_id: (read_id, first, last) for tag_id, read_id, first, last in rows}

    def _create_reads(self, sightings, tag_ids, points):
        """Insert one read per sighting in one INSERT from arrays: the hot
        path of the gateway, where an ORM create of thousands of rows costs
        most of a batch (the model has no computed, tracked nor defaulted
        stored field besides read_count, given here; the reader is the
        batch's). ``points`` as ``_read_points`` gives them. Returns the
        number of reads."""
        if not sightings:
            return 0
        located = [points.get(s.antenna, points[None]) for s in sightings]
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO stock_rfid_read
                       (tag_id, antenna_id, location_id, first_seen, last_seen,
                        rssi_dbm, read_count, batch_id)
                SELECT v.*, %s
                  FROM unnest(%s::int[], %s::int[], %s::int[], %s::timestamp[],
                              %s::timestamp[], %s::float8[], %s::int[]) AS v
                """,
                self.id,
                literal(tag_ids[sighting.epc] for sighting in sightings),
                literal(antenna_id for antenna_id, _location_id in located),
                literal(location_id for _antenna_id, location_id in located),
                literal(sighting.first_seen for sighting in sightings),
                literal(sighting.last_seen for sighting in sightings),
                literal(sighting.rssi_dbm for sighting in sightings),
                literal(sighting.count for sighting in sightings),
            )
        )
        self.env["stock.rfid.tag"].invalidate_model(["read_ids"])
        return self.env.cr.rowcount

    @api.model
    def _merge_reads(self, merges):
        """Fold sightings into existing reads ([(read id, sighting)]) with
        one UPDATE."""
        if not merges:
            return
        Read = self.env["stock.rfid.read"]
        Read.flush_model()
        rows = list(self._combine_merges(merges).items())
        self.env.cr.execute(
            SQL(
                """
                UPDATE stock_rfid_read r
                   SET first_seen = LEAST(r.first_seen, v.first_seen),
                       last_seen = GREATEST(r.last_seen, v.last_seen),
                       rssi_dbm = GREATEST(r.rssi_dbm, v.rssi_dbm),
                       read_count = r.read_count + v.read_count
                  FROM unnest(%s::int[], %s::timestamp[], %s::timestamp[],
                              %s::float8[], %s::int[])
                       AS v(id, first_seen, last_seen, rssi_dbm, read_count)
                 WHERE r.id = v.id
                """,
                literal(read_id for read_id, _merged in rows),
                *(
                    literal(merged[index] for _read_id, merged in rows)
                    for index in range(4)
                ),
            )
        )
        Read.invalidate_model(["first_seen", "last_seen", "rssi_dbm", "read_count"])

    @api.model
    def _combine_merges(self, merges):
        """{read id: (first seen, last seen, best RSSI, count)} of the
        sightings merged into each read: an UPDATE ... FROM VALUES applies
        only one row per read, so the sightings of one read are combined
        first."""
        combined = {}
        for read_id, sighting in merges:
            first, last, rssi, count = combined.get(
                read_id,
                (sighting.first_seen, sighting.last_seen, sighting.rssi_dbm, 0),
            )
            rssis = [value for value in (rssi, sighting.rssi_dbm) if value is not None]
            combined[read_id] = (
                min(first, sighting.first_seen),
                max(last, sighting.last_seen),
                max(rssis) if rssis else None,
                count + sighting.count,
            )
        return combined

    def _create_exceptions(self, invalid):
        """Keep the undecodable reads ([(read, EpcError)]) for review, in one
        INSERT from arrays (a batch may hold thousands; the model has no
        computed field, its defaults are given here)."""
        self.ensure_one()
        if not invalid:
            return
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO stock_rfid_read_exception
                       (index, epc, error_code, raw_uri, reader_id, batch_id,
                        company_id, date, active)
                SELECT v.*, %s, %s, %s, NOW() AT TIME ZONE 'UTC', TRUE
                  FROM unnest(%s::int[], %s::varchar[], %s::varchar[],
                              %s::varchar[]) AS v
                """,
                self.reader_id.id,
                self.id,
                self.company_id.id,
                literal(read.index for read, _error in invalid),
                literal(read.epc for read, _error in invalid),
                literal(error.code for _read, error in invalid),
                literal(error.raw_uri for _read, error in invalid),
            )
        )
        self.invalidate_recordset(["exception_ids"])
