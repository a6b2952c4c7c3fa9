import uuid

from odoo import Command

from odoo.addons.base.tests.common import BaseCommon
from odoo.addons.stock_rfid.lib import epc


def sgtin(reference, serial, company_prefix="0614141"):
    """Hexadecimal SGTIN-96 EPC."""
    return epc.encode("sgtin-96", 1, company_prefix, reference, serial)


class RfidCommon(BaseCommon):
    """A warehouse with a dock and a shelf, products with GTINs in their
    short forms, a serial, a package and a location with a GLN; one reader
    with two antennas (the second without its own read point)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.rfid_read_window = 60
        cls.warehouse = cls.env["stock.warehouse"].create(
            {"name": "RFID Warehouse", "code": "RFW"}
        )
        Location = cls.env["stock.location"]
        stock = cls.warehouse.lot_stock_id
        cls.dock = Location.create({"name": "Dock", "location_id": stock.id})
        cls.shelf = Location.create(
            {"name": "Shelf", "location_id": stock.id, "barcode": "0614141123452"}
        )
        Product = cls.env["product.product"]
        # GTIN-14 00614141123452 stored as its GTIN-12 form
        cls.product = Product.create(
            {
                "name": "RFID Widget",
                "is_storable": True,
                "barcode": "614141123452",
                "tracking": "serial",
            }
        )
        cls.lot = cls.env["stock.lot"].create(
            {"name": "6789", "product_id": cls.product.id}
        )
        cls.epc_product = sgtin("012345", "6789")
        cls.epc_other_serial = sgtin("012345", "1000")
        cls.epc_unknown = sgtin("054321", "77")
        cls.sscc = epc.decode(
            epc.encode("sscc-96", 0, "0614141", "1234567890", None)
        ).gs1_key
        cls.package = cls.env["stock.quant.package"].create({"name": cls.sscc})
        cls.reader = cls.env["stock.rfid.reader"].create(
            {
                "name": "Dock door",
                "identifier": "reader-dock-1",
                "location_id": cls.dock.id,
                "antenna_ids": [
                    Command.create({"port": 1, "location_id": cls.shelf.id}),
                    Command.create({"port": 2}),
                ],
            }
        )
        cls.antenna_1, cls.antenna_2 = cls.reader.antenna_ids.sorted("port")
        cls.api_key = cls.reader.action_generate_api_key()["context"]["default_key"]

    @classmethod
    def _payload(cls, reads, reader=None, batch_id=None):
        """A batch of ``reads`` (dicts, or EPC strings) from ``reader``."""
        return {
            "schema": "rfid-read-batch/1",
            "batch_id": batch_id or str(uuid.uuid4()),
            "reader": {"id": (reader or cls.reader).identifier, "vendor": "Acme"},
            "sent_at": "2025-03-01T10:00:30Z",
            "reads": [
                {"epc": read, "last_seen": "2025-03-01T10:00:00Z"}
                if isinstance(read, str)
                else read
                for read in reads
            ],
        }

    def _tag(self, epc_hex):
        return self.env["stock.rfid.tag"].search([("epc", "=", epc_hex)])
