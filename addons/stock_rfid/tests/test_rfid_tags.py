from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.stock_rfid.lib import epc
from odoo.addons.stock_rfid.models.stock_rfid_tag import TAG_FILLFACTOR

from .common import RfidCommon, sgtin


@tagged("post_install", "-at_install")
class TestRfidTags(RfidCommon):
    def _register(self, *hexes):
        decoded = {hex_: epc.decode(hex_) for hex_ in hexes}
        Tag = self.env["stock.rfid.tag"]
        ids = Tag._get_or_create(self.company, decoded)
        return [Tag.browse(ids[hex_]) for hex_ in hexes]

    def test_sgtin_matches_product_by_short_gtin_and_lot_by_serial(self):
        tag, other = self._register(self.epc_product, self.epc_other_serial)
        self.assertEqual(tag.product_id, self.product)
        self.assertEqual(tag.lot_id, self.lot)
        self.assertEqual(tag.gtin, "00614141123452")
        self.assertEqual(tag.serial, "6789")
        self.assertEqual(tag.scheme, "sgtin-96")
        self.assertEqual(tag.element_string, "(01)00614141123452(21)6789")
        self.assertEqual(tag.pure_identity_uri, "urn:epc:id:sgtin:0614141.012345.6789")
        self.assertFalse(tag.unmatched)
        self.assertEqual(other.product_id, self.product)
        self.assertFalse(other.lot_id)

    def test_gtin13_barcode_matches(self):
        self.product.barcode = "0614141123452"
        (tag,) = self._register(self.epc_product)
        self.assertEqual(tag.product_id, self.product)

    def test_sscc_matches_package(self):
        hex_ = epc.encode("sscc-96", 0, "0614141", "1234567890", None)
        (tag,) = self._register(hex_)
        self.assertEqual(tag.package_id, self.package)
        self.assertFalse(tag.product_id)
        self.assertFalse(tag.unmatched)

    def test_sgln_matches_location_by_gln(self):
        hex_ = epc.encode("sgln-96", 0, "0614141", "12345", "0")
        (tag,) = self._register(hex_)
        self.assertEqual(tag.gln_location_id, self.shelf)
        self.assertFalse(tag.unmatched)

    def test_unmatched_flag_and_match_again(self):
        grai = epc.encode("grai-96", 0, "0614141", "12345", "5678")
        tag, grai_tag = self._register(self.epc_unknown, grai)
        self.assertTrue(tag.unmatched)
        self.assertTrue(grai_tag.unmatched)
        product = self.env["product.product"].create(
            {"name": "Late product", "barcode": "00614141543212"}
        )
        self.assertEqual(epc.decode(self.epc_unknown).gtin14, "00614141543212")
        (tag | grai_tag).action_match()
        self.assertEqual(tag.product_id, product)
        self.assertFalse(tag.unmatched)
        self.assertTrue(grai_tag.unmatched)

    def test_existing_tags_are_reused(self):
        (tag,) = self._register(self.epc_product)
        (again,) = self._register(self.epc_product)
        self.assertEqual(tag, again)

    def test_manual_creation_decodes_and_normalises(self):
        tag = self.env["stock.rfid.tag"].create({"epc": f" {self.epc_product.lower()}"})
        self.assertEqual(tag.epc, self.epc_product)
        self.assertEqual(tag.tag_uri, "urn:epc:tag:sgtin-96:1.0614141.012345.6789")
        self.assertEqual(tag.state, "commissioned")
        with self.assertRaisesRegex(ValidationError, "unsupported_scheme"):
            self.env["stock.rfid.tag"].create({"epc": "3574257BF7194E4000001A85"})

    def test_epc_unique_per_company(self):
        self._register(self.epc_product)
        company_b = self.env["res.company"].create({"name": "RFID Co B"})
        other = self.env["stock.rfid.tag"].create(
            {"epc": self.epc_product, "company_id": company_b.id}
        )
        self.assertEqual(other.company_id, company_b)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env["stock.rfid.tag"].create({"epc": self.epc_product})

    def test_matching_is_set_based(self):
        def count_queries(hexes):
            before = self.env.cr.sql_log_count
            self._register(*hexes)
            return self.env.cr.sql_log_count - before

        count_queries([self.epc_product])  # warm-up
        few = count_queries([sgtin("012345", str(n)) for n in range(2)])
        many = count_queries([sgtin("012345", str(n)) for n in range(100, 190)])
        self.assertEqual(few, many)

    def test_register_pages_leave_room_for_sighting_updates(self):
        """The tag table is created with free space on its pages, so that
        the gateway's updates of the last sight stay on their page."""
        self.env.cr.execute(
            "SELECT reloptions FROM pg_class WHERE oid = 'stock_rfid_tag'::regclass"
        )
        self.assertIn(f"fillfactor={TAG_FILLFACTOR}", self.env.cr.fetchone()[0])
        self.assertLess(TAG_FILLFACTOR, 100)
