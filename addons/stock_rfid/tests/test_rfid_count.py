from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.stock_rfid.lib import epc

from .common import RfidCommon, sgtin


def shelf_read(epc_hex, seen="2025-03-01T10:00:00Z"):
    """A read on antenna 1, whose read point is the shelf."""
    return {"epc": epc_hex, "antenna": 1, "first_seen": seen, "last_seen": seen}


@tagged("post_install", "-at_install")
class TestRfidCount(RfidCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Lot = cls.env["stock.lot"]
        cls.serial_1 = Lot.create({"name": "1001", "product_id": cls.product.id})
        cls.serial_2 = Lot.create({"name": "1002", "product_id": cls.product.id})
        cls.bulk = cls.env["product.product"].create(
            {
                "name": "RFID Bulk",
                "is_storable": True,
                "barcode": epc.decode(sgtin("011111", "1")).gtin14,
            }
        )
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.product, cls.shelf, 1, lot_id=cls.serial_1)
        Quant._update_available_quantity(cls.product, cls.shelf, 1, lot_id=cls.serial_2)
        Quant._update_available_quantity(cls.bulk, cls.shelf, 3)

    def _ingest(self, reads, seen_at="2025-03-01T10:00:30Z"):
        payload = self._payload(reads)
        payload["sent_at"] = seen_at
        return self.reader.ingest_batch(payload)

    def _count(self, **values):
        return self.env["stock.rfid.count"].create(
            {
                "location_id": self.shelf.id,
                "date_start": "2025-03-01 09:00:00",
                "date_end": "2025-03-01 11:00:00",
                **values,
            }
        )

    def _session_reads(self):
        return [
            shelf_read(sgtin("012345", "1001")),  # expected serial: matched
            shelf_read(self.epc_product),  # serial 6789, not in stock: unexpected
            shelf_read(self.epc_unknown),  # no product: unknown
            shelf_read(sgtin("011111", "1")),  # 2 of 3 bulk units
            shelf_read(sgtin("011111", "2")),
        ]

    def test_compare_reads_with_expected_stock(self):
        self._ingest(self._session_reads())
        count = self._count()
        count.action_start()
        count.action_stop()
        self.assertEqual(count.state, "review")
        statuses = {
            (line.product_id, line.lot_id): line.status for line in count.line_ids
        }
        Lot = self.env["stock.lot"]
        self.assertEqual(
            statuses,
            {
                (self.product, self.serial_1): "matched",
                (self.product, self.serial_2): "missing",
                (self.product, self.lot): "unexpected",
                (self.bulk, Lot): "missing",
                (self.env["product.product"], Lot): "unknown",
            },
        )
        bulk_line = count.line_ids.filtered(lambda line: line.product_id == self.bulk)
        self.assertEqual((bulk_line.expected_qty, bulk_line.counted_qty), (3, 2))
        self.assertEqual(len(bulk_line.tag_ids), 2)
        self.assertEqual(
            (count.matched_count, count.missing_count, count.unexpected_count),
            (1, 2, 1),
        )
        self.assertEqual(count.unknown_count, 1)

    def test_reads_outside_session_or_location_are_not_counted(self):
        self._ingest([shelf_read(sgtin("012345", "1001"), "2025-03-01T12:00:00Z")])
        self._ingest([self.epc_product])  # default read point: the dock
        count = self._count()
        count.action_start()
        count.action_stop()
        self.assertEqual(count.matched_count, 0)
        self.assertEqual(count.unexpected_count, 0)
        self.assertFalse(count.line_ids.tag_ids)

    def test_reader_read_point_is_default_location(self):
        count = self.env["stock.rfid.count"].create({"reader_id": self.reader.id})
        self.assertEqual(count.location_id, self.dock)
        self.assertTrue(count.name.startswith("RFC/"))

    def test_full_count_marks_unseen_tags_missing(self):
        earlier = "2025-02-01T10:00:00Z"
        self._ingest([shelf_read(sgtin("012345", "1002"), earlier)], earlier)
        self._ingest([shelf_read(self.epc_other_serial, earlier)], earlier)
        unseen = self._tag(sgtin("012345", "1002"))
        self.assertEqual((unseen.state, unseen.location_id), ("active", self.shelf))
        self._ingest(self._session_reads())
        partial = self._count(full_count=False)
        partial.action_start()
        partial.action_stop()
        self.assertEqual(unseen.state, "active")
        count = self._count()
        count.action_start()
        count.action_stop()
        self.assertEqual(unseen.state, "missing")
        self.assertEqual(self._tag(self.epc_other_serial).state, "missing")
        self.assertEqual(self._tag(sgtin("012345", "1001")).state, "active")
        # a missing tag read again is active, at its new read point
        self._ingest([unseen.epc], "2025-03-02T10:00:00Z")
        self.assertEqual((unseen.state, unseen.location_id), ("active", self.dock))

    def test_full_count_keeps_read_package_and_location_tags(self):
        sscc_hex = epc.encode("sscc-96", 0, "0614141", "1234567890", None)
        sgln_hex = epc.encode("sgln-96", 0, "0614141", "12345", "0")
        self._ingest([shelf_read(sscc_hex), shelf_read(sgln_hex)])
        package_tag, location_tag = self._tag(sscc_hex), self._tag(sgln_hex)
        self.assertEqual(package_tag.package_id, self.package)
        self.assertEqual(location_tag.gln_location_id, self.shelf)
        count = self._count()
        count.action_start()
        count.action_stop()
        self.assertFalse(count.line_ids.tag_ids & (package_tag | location_tag))
        self.assertEqual(package_tag.state, "active")
        self.assertEqual(location_tag.state, "active")

    def test_apply_as_inventory_adjustment(self):
        self._ingest(self._session_reads())
        count = self._count()
        count.action_start()
        count.action_stop()
        count.action_apply()
        self.assertEqual(count.state, "done")
        Quant = self.env["stock.quant"]
        quantity = Quant._get_available_quantity
        self.assertEqual(quantity(self.bulk, self.shelf), 2)
        self.assertEqual(quantity(self.product, self.shelf, lot_id=self.serial_1), 1)
        self.assertEqual(quantity(self.product, self.shelf, lot_id=self.serial_2), 0)
        self.assertEqual(quantity(self.product, self.shelf, lot_id=self.lot), 1)
        moves = self.env["stock.move"].search(
            [("is_inventory", "=", True), ("product_id", "in", [self.bulk.id])]
        )
        self.assertEqual(moves.mapped("state"), ["done"])
        self.assertIn(count.name, moves.reference)

    def test_unticked_lines_are_not_applied(self):
        self._ingest(self._session_reads())
        count = self._count()
        count.action_start()
        count.action_stop()
        count.line_ids.filtered(
            lambda line: line.product_id == self.bulk
        ).to_apply = False
        count.action_apply()
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(self.bulk, self.shelf), 3
        )

    def test_state_flow(self):
        count = self._count()
        with self.assertRaises(UserError):
            count.action_apply()
        count.action_start()
        count.action_cancel()
        self.assertEqual(count.state, "cancel")
