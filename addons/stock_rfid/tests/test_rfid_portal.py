from odoo import Command
from odoo.tests import tagged

from odoo.addons.stock_rfid.lib import epc

from .common import RfidCommon, sgtin


@tagged("post_install", "-at_install")
class TestRfidPortal(RfidCommon):
    """The reader's default read point is the dock: reads without antenna
    are at the dock."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bulk = cls.env["product.product"].create(
            {
                "name": "RFID Bulk",
                "is_storable": True,
                "barcode": epc.decode(sgtin("011111", "1")).gtin14,
            }
        )
        cls.portal = cls.env["stock.rfid.portal"].create(
            {
                "name": "Dock door",
                "location_id": cls.dock.id,
                "picking_type_ids": [
                    Command.set(
                        (cls.warehouse.in_type_id | cls.warehouse.out_type_id).ids
                    )
                ],
            }
        )

    def _picking(self, picking_type, lines, dock=None, **values):
        """A confirmed receipt to ``dock`` (default: the portal's) or a
        delivery from the stock."""
        warehouse = self.warehouse
        incoming = picking_type == warehouse.in_type_id
        supplier = self.env.ref("stock.stock_location_suppliers")
        customer = self.env.ref("stock.stock_location_customers")
        source = supplier if incoming else warehouse.lot_stock_id
        destination = (dock or self.dock) if incoming else customer
        picking = self.env["stock.picking"].create(
            {
                **values,
                "picking_type_id": picking_type.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                        }
                    )
                    for product, quantity in lines
                ],
            }
        )
        picking.action_confirm()
        return picking

    def _ingest(self, reads):
        return self.reader.ingest_batch(self._payload(reads))

    def test_receipt_filled_by_product_and_serial(self):
        receipt = self._picking(
            self.warehouse.in_type_id, [(self.bulk, 3), (self.product, 2)]
        )
        self._ingest(
            [
                sgtin("011111", "1"),
                sgtin("011111", "2"),
                sgtin("012345", "5001"),  # serials unknown to Odoo yet
                sgtin("012345", "5002"),
                self.epc_unknown,
            ]
        )
        # the same tags read again count once
        self._ingest([sgtin("011111", "1"), sgtin("012345", "5001")])
        bulk_move = receipt.move_ids.filtered(lambda m: m.product_id == self.bulk)
        self.assertEqual((bulk_move.quantity, bulk_move.picked), (2, True))
        serial_move = receipt.move_ids - bulk_move
        self.assertEqual(
            sorted(serial_move.move_line_ids.mapped("lot_name")), ["5001", "5002"]
        )
        self.assertTrue(all(serial_move.move_line_ids.mapped("picked")))
        self.assertEqual(len(receipt.rfid_tag_ids), 5)
        bulk_move.quantity = 3  # the person checks the last unit and validates
        receipt.button_validate()
        self.assertEqual(receipt.state, "done")
        lots = serial_move.move_line_ids.lot_id
        self.assertEqual(sorted(lots.mapped("name")), ["5001", "5002"])

    def test_delivery_filled_with_the_serials_read(self):
        Quant = self.env["stock.quant"]
        other = self.env["stock.lot"].create(
            {"name": "1000", "product_id": self.product.id}
        )
        Quant._update_available_quantity(self.product, self.shelf, 1, lot_id=self.lot)
        Quant._update_available_quantity(self.product, self.shelf, 1, lot_id=other)
        delivery = self._picking(
            self.warehouse.out_type_id,
            [(self.product, 1)],
            rfid_portal_id=self.portal.id,
            scheduled_date="2025-03-02 10:00:00",
        )
        # earlier, but at no dock: its goods do not go through this one
        undocked = self._picking(
            self.warehouse.out_type_id,
            [(self.product, 1)],
            scheduled_date="2025-03-01 10:00:00",
        )
        delivery.action_assign()
        self.assertEqual(len(delivery.move_line_ids), 1)
        self._ingest([self.epc_product])  # serial 6789, whichever was reserved
        line = delivery.move_line_ids
        self.assertEqual((line.lot_id, line.location_id), (self.lot, self.shelf))
        self.assertEqual((line.quantity, line.picked), (1, True))
        self.assertFalse(undocked.rfid_tag_ids)
        undocked.action_cancel()
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")
        self.assertEqual(Quant._get_available_quantity(self.product, self.shelf), 1)
        self.assertEqual(
            Quant._get_available_quantity(self.product, self.shelf, lot_id=other), 1
        )

    def test_current_operation_and_other_read_points(self):
        first = self._picking(self.warehouse.in_type_id, [(self.bulk, 1)])
        second = self._picking(self.warehouse.in_type_id, [(self.bulk, 1)])
        self.portal.picking_id = second
        self.reader.ingest_batch(
            self._payload([{"epc": sgtin("011111", "9"), "antenna": 1}])
        )  # at the shelf
        self.assertFalse(second.rfid_tag_ids)
        self._ingest([sgtin("011111", "9")])
        self.assertEqual(second.move_ids.quantity, 1)
        self.assertFalse(first.move_ids.picked)

    def test_reads_fill_the_operation_of_their_dock(self):
        dock_2 = self.env["stock.location"].create(
            {"name": "Dock 2", "location_id": self.warehouse.lot_stock_id.id}
        )
        reader_2 = self.reader.copy(
            {"identifier": "reader-dock-2", "location_id": dock_2.id}
        )
        self.portal.copy({"name": "Dock door 2", "location_id": dock_2.id})
        receipt_type = self.warehouse.in_type_id
        at_dock_2 = self._picking(
            receipt_type, [(self.bulk, 2)], dock_2, scheduled_date="2025-03-01"
        )
        at_dock_1 = self._picking(
            receipt_type, [(self.bulk, 2)], scheduled_date="2025-03-02"
        )
        # to the stock, not through a dock: reads at a dock never fill it
        to_stock = self._picking(
            receipt_type,
            [(self.bulk, 2)],
            self.warehouse.lot_stock_id,
            scheduled_date="2025-02-01",
        )
        self._ingest([sgtin("011111", "1")])
        reader_2.ingest_batch(
            self._payload([sgtin("011111", "2"), sgtin("011111", "3")], reader_2)
        )
        self.assertEqual(at_dock_1.move_ids.quantity, 1)
        self.assertEqual(at_dock_2.move_ids.quantity, 2)
        self.assertFalse(to_stock.move_ids.picked)
        self.assertFalse(to_stock.rfid_tag_ids)

    def test_operation_moving_the_products_read(self):
        widgets = self._picking(
            self.warehouse.in_type_id,
            [(self.product, 1)],
            scheduled_date="2025-03-01",
        )
        bulk = self._picking(
            self.warehouse.in_type_id,
            [(self.bulk, 1)],
            scheduled_date="2025-03-02",
        )
        self._ingest([sgtin("011111", "1")])
        self.assertEqual(bulk.move_ids.quantity, 1)
        self.assertFalse(widgets.rfid_tag_ids)
        self._ingest([sgtin("012345", "5003")])
        self.assertEqual(widgets.move_ids.move_line_ids.lot_name, "5003")

    def test_operation_assigned_to_the_dock_first(self):
        unassigned = self._picking(
            self.warehouse.in_type_id, [(self.bulk, 1)], scheduled_date="2025-03-01"
        )
        assigned = self._picking(
            self.warehouse.in_type_id,
            [(self.bulk, 1)],
            scheduled_date="2025-03-02",
            rfid_portal_id=self.portal.id,
        )
        self._ingest([sgtin("011111", "1")])
        self.assertEqual(assigned.move_ids.quantity, 1)
        self.assertFalse(unassigned.rfid_tag_ids)
