import hashlib

from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import RfidCommon, sgtin


def read(epc_hex, seen, **values):
    return {"epc": epc_hex, "first_seen": seen, "last_seen": seen, **values}


@tagged("post_install", "-at_install")
class TestRfidIngest(RfidCommon):
    def _ingest(self, reads, reader=None):
        reader = reader or self.reader
        return reader.ingest_batch(self._payload(reads, reader=reader))

    def _reads(self, epc_hex):
        return self.env["stock.rfid.read"].search(
            [("tag_id.epc", "=", epc_hex)], order="first_seen"
        )

    def test_counts_and_tag_created_on_first_sight(self):
        response = self._ingest([self.epc_product, self.epc_unknown])
        self.assertEqual(response["accepted"], 2)
        self.assertEqual(response["duplicates"], 0)
        self.assertEqual(response["invalid"], [])
        tag = self._tag(self.epc_unknown)
        self.assertTrue(tag.unmatched)
        self.assertEqual(tag.scheme, "sgtin-96")
        self.assertEqual(self._tag(self.epc_product).lot_id, self.lot)

    def test_duplicates_within_batch_are_aggregated(self):
        response = self._ingest(
            [
                read(self.epc_product, "2025-03-01T10:00:00Z", rssi_dbm=-60, count=3),
                read(self.epc_product, "2025-03-01T10:00:40Z", rssi_dbm=-48),
                read(self.epc_product.lower(), "2025-03-01T10:01:30Z", rssi_dbm=-70),
            ]
        )
        self.assertEqual((response["accepted"], response["duplicates"]), (1, 2))
        row = self._reads(self.epc_product)
        self.assertEqual(len(row), 1)
        self.assertEqual(str(row.first_seen), "2025-03-01 10:00:00")
        self.assertEqual(str(row.last_seen), "2025-03-01 10:01:30")
        self.assertEqual(row.rssi_dbm, -48)
        self.assertEqual(row.read_count, 5)

    def test_reads_beyond_window_make_new_rows(self):
        self.company.rfid_read_window = 10
        response = self._ingest(
            [
                read(self.epc_product, "2025-03-01T10:00:00Z"),
                read(self.epc_product, "2025-03-01T10:00:30Z"),
            ]
        )
        self.assertEqual((response["accepted"], response["duplicates"]), (2, 0))
        self.assertEqual(len(self._reads(self.epc_product)), 2)

    def test_duplicates_of_recent_reads_of_previous_batch(self):
        self._ingest([read(self.epc_product, "2025-03-01T10:00:00Z", rssi_dbm=-60)])
        response = self._ingest(
            [
                read(self.epc_product, "2025-03-01T10:00:50Z", rssi_dbm=-50),
                read(self.epc_unknown, "2025-03-01T10:00:50Z"),
            ]
        )
        self.assertEqual((response["accepted"], response["duplicates"]), (1, 1))
        row = self._reads(self.epc_product)
        self.assertEqual(len(row), 1)
        self.assertEqual((row.read_count, row.rssi_dbm), (2, -50))
        self.assertEqual(str(row.last_seen), "2025-03-01 10:00:50")
        later = self._ingest([read(self.epc_product, "2025-03-01T10:05:00Z")])
        self.assertEqual(later["accepted"], 1)

    def test_sightings_merged_into_one_read_all_count(self):
        self._ingest([read(self.epc_product, "2025-03-01T10:00:00Z", rssi_dbm=-60)])
        response = self._ingest(
            [
                read(self.epc_product, "2025-03-01T09:59:30Z", rssi_dbm=-55, count=2),
                read(self.epc_product, "2025-03-01T10:00:55Z", rssi_dbm=-65, count=4),
            ]
        )
        self.assertEqual((response["accepted"], response["duplicates"]), (0, 2))
        row = self._reads(self.epc_product)
        self.assertEqual(len(row), 1)
        self.assertEqual((row.read_count, row.rssi_dbm), (7, -55))
        self.assertEqual(str(row.first_seen), "2025-03-01 09:59:30")
        self.assertEqual(str(row.last_seen), "2025-03-01 10:00:55")

    def test_new_tag_first_seen_is_its_earliest_sighting(self):
        response = self._ingest(
            [
                read(self.epc_product, "2025-03-01T10:00:00Z"),
                read(self.epc_product, "2025-03-01T10:05:00Z"),
            ]
        )
        self.assertEqual(response["accepted"], 2)
        tag = self._tag(self.epc_product)
        self.assertEqual(str(tag.first_seen), "2025-03-01 10:00:00")
        self.assertEqual(str(tag.last_seen), "2025-03-01 10:05:00")

    def test_other_reader_is_not_a_duplicate(self):
        other = self.reader.copy({"identifier": "reader-2"})
        self._ingest([self.epc_product])
        response = self._ingest([self.epc_product], reader=other)
        self.assertEqual(response["accepted"], 1)

    def test_tag_follows_reads(self):
        self._ingest([read(self.epc_product, "2025-03-01T10:00:00Z", antenna=1)])
        tag = self._tag(self.epc_product)
        self.assertEqual(tag.state, "active")
        self.assertEqual(tag.location_id, self.shelf)
        self.assertEqual(tag.last_antenna_id, self.antenna_1)
        self.assertEqual(tag.last_reader_id, self.reader)
        self.assertEqual(str(tag.first_seen), "2025-03-01 10:00:00")
        self._ingest([read(self.epc_product, "2025-03-01T11:00:00Z", antenna=2)])
        self.assertEqual(tag.location_id, self.dock)  # reader's default point
        self.assertEqual(tag.last_antenna_id, self.antenna_2)
        self.assertEqual(str(tag.last_seen), "2025-03-01 11:00:00")
        self._ingest([read(self.epc_product, "2025-03-01T09:00:00Z", antenna=1)])
        self.assertEqual(tag.location_id, self.dock)  # older read: no move
        self.assertEqual(str(tag.first_seen), "2025-03-01 09:00:00")
        tag.state = "killed"
        self._ingest([read(self.epc_product, "2025-03-01T12:00:00Z")])
        self.assertEqual(tag.state, "killed")

    def _tag_row_version(self, tag):
        """Physical place of the tag's current row version: an UPDATE moves
        it, even to the same values and within one transaction."""
        self.env.flush_all()
        self.env.cr.execute("SELECT ctid FROM stock_rfid_tag WHERE id = %s", [tag.id])
        return self.env.cr.fetchone()[0]

    def test_tag_not_rewritten_by_reads_it_already_follows(self):
        self._ingest([read(self.epc_product, "2025-03-01T10:00:00Z", antenna=1)])
        self._ingest([read(self.epc_product, "2025-03-01T11:00:00Z", antenna=1)])
        tag = self._tag(self.epc_product)
        version = self._tag_row_version(tag)
        # the same read sent again, then a late one between first and last seen
        self._ingest([read(self.epc_product, "2025-03-01T11:00:00Z", antenna=1)])
        self._ingest([read(self.epc_product, "2025-03-01T10:30:00Z", antenna=2)])
        self.assertEqual(self._tag_row_version(tag), version)
        self.assertEqual(self._reads(self.epc_product)[-1].read_count, 2)
        self._ingest([read(self.epc_product, "2025-03-01T11:00:00Z", antenna=2)])
        self.assertNotEqual(self._tag_row_version(tag), version)
        self.assertEqual(tag.last_antenna_id, self.antenna_2)

    def test_read_company_is_its_tag_company(self):
        self._ingest([self.epc_product])
        row = self._reads(self.epc_product)
        self.assertEqual(row.company_id, self.company)
        Read = self.env["stock.rfid.read"]
        self.assertEqual(Read.search([("company_id", "=", self.company.id)]), row)
        other = self.env["res.company"].create({"name": "RFID other company"})
        self.assertFalse(Read.search([("company_id", "=", other.id)]))

    def test_read_reader_is_its_batch_reader(self):
        self._ingest([self.epc_product])
        other = self.reader.copy({"identifier": "reader-2"})
        self._ingest([self.epc_product], reader=other)
        Read = self.env["stock.rfid.read"]
        rows = self._reads(self.epc_product)
        self.assertEqual(rows.mapped("reader_id"), rows.batch_id.reader_id)
        self.assertEqual(Read.search([("reader_id", "=", other.id)]).reader_id, other)
        groups = dict(
            Read._read_group([("id", "in", rows.ids)], ["reader_id"], ["__count"])
        )
        self.assertEqual(groups, {self.reader: 1, other: 1})
        self.assertEqual(self.reader.read_count, 1)

    def test_batch_with_reads_cannot_be_deleted(self):
        self._ingest([self.epc_product])
        batch = self._reads(self.epc_product).batch_id
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            batch.unlink()

    def test_fractions_of_a_second_are_dropped(self):
        self._ingest(
            [
                read(self.epc_product, "2025-03-01T10:00:00.250+01:00"),
                read(self.epc_product, "2025-03-01T09:00:01.999999Z"),
            ]
        )
        row = self._reads(self.epc_product)
        self.assertEqual(str(row.first_seen), "2025-03-01 09:00:00")
        self.assertEqual(str(row.last_seen), "2025-03-01 09:00:01")
        with self.assertRaisesRegex(ValidationError, r"10:00:00\.x\+01:00"):
            self._ingest([read(self.epc_product, "2025-03-01T10:00:00.x+01:00")])

    def test_invalid_epc_is_listed_and_kept_as_exception(self):
        gid = "3574257BF7194E4000001A85"
        response = self._ingest([self.epc_product, gid, "XYZ", self.epc_unknown])
        self.assertEqual(response["accepted"], 2)
        self.assertEqual(
            response["invalid"],
            [
                {"index": 1, "epc": gid, "error": "unsupported_scheme"},
                {"index": 2, "epc": "XYZ", "error": "invalid_hex"},
            ],
        )
        exceptions = self.env["stock.rfid.read.exception"].search(
            [("reader_id", "=", self.reader.id)], order="index"
        )
        self.assertEqual(exceptions.mapped("index"), [1, 2])
        self.assertEqual(exceptions[0].error_code, "unsupported_scheme")
        self.assertEqual(exceptions[0].raw_uri, f"urn:epc:raw:96.x{gid}")
        self.assertFalse(self._tag(gid))

    def test_retried_batch_gets_same_answer_and_creates_nothing(self):
        payload = self._payload([self.epc_product, "XYZ"])
        first = self.reader.ingest_batch(payload)
        counts = self._counts()
        second = self.reader.ingest_batch(payload)
        self.assertEqual(second, first)
        self.assertEqual(self._counts(), counts)
        batch = self.env["stock.rfid.read.batch"].search(
            [("batch_id", "=", payload["batch_id"])]
        )
        self.assertEqual((batch.accepted_count, batch.invalid_count), (1, 1))

    def _counts(self):
        return [
            self.env[model].search_count([])
            for model in (
                "stock.rfid.tag",
                "stock.rfid.read",
                "stock.rfid.read.exception",
                "stock.rfid.read.batch",
            )
        ]

    def test_bad_payloads_raise_clear_errors(self):
        with self.assertRaisesRegex(ValidationError, "invalid_schema"):
            self.reader.ingest_batch({**self._payload(["00"]), "schema": "v0"})
        with self.assertRaisesRegex(ValidationError, "missing_epc"):
            self._ingest([{"antenna": 1}])
        with self.assertRaisesRegex(ValidationError, "invalid_datetime"):
            self._ingest([read(self.epc_product, "yesterday")])
        with self.assertRaisesRegex(ValidationError, r"reads\[1\]\.first_seen: not a"):
            self._ingest([self.epc_product, read(self.epc_product, ["2025"])])
        with self.assertRaisesRegex(ValidationError, r"reads\[0\]\.tid: not a"):
            self._ingest([{"epc": self.epc_product, "tid": 7}])
        with self.assertRaisesRegex(ValidationError, "too_many_reads"):
            self._ingest([self.epc_product] * 5001)
        other = self.reader.copy({"identifier": "reader-2"})
        with self.assertRaisesRegex(UserError, "reader-2"):
            self.reader.ingest_batch(self._payload([self.epc_product], reader=other))

    def test_read_numbers_are_checked(self):
        """Counts are positive integers; antennas integers; RSSI and
        frequencies numbers. A JSON boolean is none of them, nor is a
        string. The batch is refused with the read and key named, and
        nothing is written."""
        before = self._counts()
        seen = "2025-03-01T10:00:00Z"
        cases = [
            ({"count": 0}, r"reads\[0\]\.count: not > 0"),
            ({"count": -2}, r"reads\[0\]\.count: not > 0"),
            ({"count": True}, r"reads\[0\]\.count: True is not a number"),
            ({"count": 2.5}, r"reads\[0\]\.count: 2\.5 is not a number"),
            ({"antenna": "1"}, r"reads\[0\]\.antenna: '1' is not a number"),
            ({"antenna": False}, r"reads\[0\]\.antenna: False is not a number"),
            ({"antenna": 1.0}, r"reads\[0\]\.antenna: 1\.0 is not a number"),
            ({"rssi_dbm": "-60"}, r"reads\[0\]\.rssi_dbm: '-60' is not a number"),
            ({"rssi_dbm": True}, r"reads\[0\]\.rssi_dbm: True is not a number"),
            ({"frequency_khz": "902750"}, r"reads\[0\]\.frequency_khz: '902750'"),
            ({"frequency_khz": True}, r"reads\[0\]\.frequency_khz: True is not"),
        ]
        for values, error in cases:
            with self.subTest(values=values):
                with self.assertRaisesRegex(ValidationError, error):
                    self._ingest([read(self.epc_product, seen, **values)])
        self.assertEqual(self._counts(), before)
        response = self._ingest(
            [
                read(
                    self.epc_product,
                    seen,
                    count=2,
                    antenna=None,
                    rssi_dbm=-61,
                    frequency_khz=902750.5,
                ),
                {
                    "epc": self.epc_product,
                    "first_seen": "2025-03-01T10:00:10Z",
                    "last_seen": "2025-03-01T10:00:20Z",
                    "rssi_dbm": -55.5,
                },
            ]
        )
        self.assertEqual(response["accepted"], 1)
        row = self._reads(self.epc_product)
        self.assertEqual(row.read_count, 3)
        self.assertEqual(row.rssi_dbm, -55.5)
        self.assertEqual(str(row.first_seen), "2025-03-01 10:00:00")
        self.assertEqual(str(row.last_seen), "2025-03-01 10:00:20")

    def test_ingestion_is_set_based(self):
        def count_queries(size, start):
            reads = [sgtin("012345", str(n)) for n in range(start, start + size)]
            before = self.env.cr.sql_log_count
            self._ingest(reads + reads[:1])
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        count_queries(1, 0)  # warm-up
        self.assertEqual(count_queries(2, 10), count_queries(90, 100))

    def test_queries_per_batch(self):
        """A batch of tags seen first costs 11 queries: the reader, the batch
        INSERT, the company's read window, the antennas, the tags by EPC,
        the products and lots they match, the tag INSERT, the read INSERT,
        the dock portals and the batch's counts (no lookup of earlier
        reads: new tags have none). Read again within the window: 10, the
        tag and read UPDATEs for the tag and read INSERTs, and the recent
        reads instead of the products and lots."""
        reader = self.reader.sudo()

        def count_queries(reads):
            payload = self._payload(reads, reader=reader)
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            reader._ingest_payload(payload)
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        count_queries([sgtin("012345", "1")])  # warm-up
        reads = [sgtin("012345", str(n)) for n in range(10, 20)]
        self.assertEqual(count_queries(reads), 11)
        self.assertEqual(count_queries(reads), 10)

    def test_key_is_stored_hashed(self):
        key = self.api_key
        self.assertEqual(
            self.reader.api_key_hash, hashlib.sha256(key.encode()).hexdigest()
        )
        self.assertEqual(self.reader.api_key_prefix, key[:8])
        values = self.reader.read()[0]
        self.assertNotIn(key, [str(value) for value in values.values()])
        Reader = self.env["stock.rfid.reader"]
        self.assertEqual(Reader._authenticate(key), self.reader)
        action = self.reader.action_generate_api_key()
        self.assertEqual(action["res_model"], "stock.rfid.reader.key.show")
        self.assertTrue(self.env["stock.rfid.reader.key.show"]._abstract)
        new_key = action["context"]["default_key"]
        self.assertNotEqual(new_key, key)
        self.assertFalse(Reader._authenticate(key))
        self.assertEqual(Reader._authenticate(new_key), self.reader)
        self.assertFalse(Reader._authenticate(new_key[:8] + "x" * 35))
