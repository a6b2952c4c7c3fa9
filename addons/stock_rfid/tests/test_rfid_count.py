from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.stock_rfid.lib import epc

from .common import RfidCommon, sgtin


def shelf_read(epc_hex, seen="2025-03-01T10:00:00Z"):
    """A read on antenna 1, whose read point is the shelf."""
    return {"epc": epc_hex, "antenna": 1, "first_seen": seen, "last_seen": seen}


class RfidCountCommon(RfidCommon):
    """Serials and bulk units expected on the shelf."""

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


@tagged("post_install", "-at_install")
class TestRfidCount(RfidCountCommon):
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


@tagged("post_install", "-at_install")
class TestRfidCountPackagesAndLocations(RfidCountCommon):
    """Package tags (SSCC) count the package's content; location tags
    (SGLN) place the reader that reads them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.boxed = cls.env["product.product"].create(
            {"name": "RFID Boxed", "is_storable": True}
        )
        cls.serial_in_pallet = cls.env["stock.lot"].create(
            {"name": "2001", "product_id": cls.product.id}
        )
        cls.pallet_hex = epc.encode("sscc-96", 0, "0614141", "1234567891", None)
        cls.pallet = cls.env["stock.quant.package"].create(
            {"name": epc.decode(cls.pallet_hex).gs1_key}
        )
        cls.aisle_hex = epc.encode("sgln-96", 0, "0614141", "12346", "0")
        cls.aisle = cls.env["stock.location"].create(
            {
                "name": "Aisle",
                "location_id": cls.warehouse.lot_stock_id.id,
                "barcode": epc.decode(cls.aisle_hex).gs1_key,
            }
        )
        cls.handheld = cls.env["stock.rfid.reader"].create(
            {"name": "Handheld", "identifier": "handheld-1"}
        )

    def _fill_pallet(self, location):
        Quant = self.env["stock.quant"]
        Quant._update_available_quantity(
            self.boxed, location, 4, package_id=self.pallet
        )
        Quant._update_available_quantity(
            self.product,
            location,
            1,
            lot_id=self.serial_in_pallet,
            package_id=self.pallet,
        )

    def _lines(self, count):
        return {
            (line.product_id, line.lot_id): line
            for line in count.line_ids
            if line.product_id
        }

    def test_package_tag_counts_its_content(self):
        self._fill_pallet(self.shelf)
        earlier = "2025-02-01T10:00:00Z"
        # the serial's own tag, seen before, is out of reach in the pallet
        self._ingest([shelf_read(sgtin("012345", "2001"), earlier)], earlier)
        self._ingest([shelf_read(self.pallet_hex), shelf_read(sgtin("012345", "1001"))])
        count = self._count()
        count.action_start()
        count.action_stop()
        lines = self._lines(count)
        pallet_tag = self._tag(self.pallet_hex)
        boxed = lines[(self.boxed, self.env["stock.lot"])]
        self.assertEqual((boxed.expected_qty, boxed.counted_qty), (4, 4))
        self.assertEqual((boxed.status, boxed.tag_ids), ("matched", pallet_tag))
        serial = lines[(self.product, self.serial_in_pallet)]
        self.assertEqual(serial.status, "matched")
        self.assertEqual(self._tag(sgtin("012345", "2001")).state, "active")
        # an item of the pallet read with its pallet counts once
        self._ingest([shelf_read(sgtin("012345", "2001"))])
        count.action_compare()
        serial = self._lines(count)[(self.product, self.serial_in_pallet)]
        self.assertEqual((serial.counted_qty, serial.status), (1, "matched"))
        self.assertEqual(len(serial.tag_ids), 2)

    def test_package_recorded_elsewhere_is_not_adjusted_by_default(self):
        self._fill_pallet(self.aisle)
        self._ingest([shelf_read(self.pallet_hex)])
        count = self._count()
        count.action_start()
        count.action_stop()
        boxed = self._lines(count)[(self.boxed, self.env["stock.lot"])]
        self.assertEqual((boxed.counted_qty, boxed.status), (4, "unexpected"))
        self.assertEqual(boxed.location_id, self.shelf)
        self.assertFalse(boxed.to_apply)
        count.action_apply()
        quantity = self.env["stock.quant"]._get_available_quantity
        self.assertEqual(quantity(self.boxed, self.shelf), 0)
        self.assertEqual(quantity(self.boxed, self.aisle), 4)

    def test_location_tag_places_a_handheld(self):
        def read(epc_hex, second):
            seen = f"2025-03-01T10:00:{second:02d}Z"
            return {"epc": epc_hex, "first_seen": seen, "last_seen": seen}

        shelf_hex = epc.encode("sgln-96", 0, "0614141", "12345", "0")
        payload = self._payload(
            [
                read(sgtin("012345", "1002"), 1),  # before any location tag
                read(shelf_hex, 2),
                read(sgtin("012345", "1001"), 3),
                read(self.aisle_hex, 4),
                read(self.epc_product, 5),  # in the aisle
            ],
            reader=self.handheld,
        )
        self.handheld.ingest_batch(payload)
        count = self._count()
        count.action_start()
        count.action_stop()
        lines = self._lines(count)
        self.assertEqual(lines[(self.product, self.serial_1)].status, "matched")
        self.assertEqual(lines[(self.product, self.serial_2)].status, "missing")
        self.assertNotIn((self.product, self.lot), lines)
        self.assertEqual(lines[(self.product, self.serial_1)].location_id, self.shelf)
        aisle_count = self._count(location_id=self.aisle.id)
        aisle_count.action_start()
        aisle_count.action_stop()
        line = aisle_count.line_ids
        self.assertEqual((line.lot_id, line.status), (self.lot, "unexpected"))
        self.assertEqual(line.location_id, self.aisle)

    def test_location_tag_of_elsewhere_does_not_move_a_fixed_antenna(self):
        # antenna 1 watches the shelf: the aisle's tag read there is stray
        self._ingest(
            [
                shelf_read(self.aisle_hex, "2025-03-01T10:00:01Z"),
                shelf_read(sgtin("012345", "1001"), "2025-03-01T10:00:02Z"),
            ]
        )
        count = self._count()
        count.action_start()
        count.action_stop()
        line = self._lines(count)[(self.product, self.serial_1)]
        self.assertEqual((line.status, line.location_id), ("matched", self.shelf))
