from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.stock_rfid.lib import epc

from .common import RfidCommon, sgtin


@tagged("post_install", "-at_install")
class TestRfidNomenclature(RfidCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.nomenclature = cls.env.ref("barcodes.default_barcode_nomenclature")

    def _parse(self, barcode):
        return {
            (result["type"], result["value"])
            for result in self.nomenclature.parse_barcode(barcode)
        }

    def test_sgtin_hex_gives_product_gtin_and_serial(self):
        expected = {("product", "00614141123452"), ("lot", "6789")}
        self.assertEqual(self._parse(self.epc_product), expected)
        self.assertEqual(self._parse(self.epc_product.lower()), expected)
        uri = epc.decode(self.epc_product).tag_uri
        self.assertEqual(self._parse(uri), expected)
        self.assertEqual(self._parse(f"urn:epc:raw:96.x{self.epc_product}"), expected)

    def test_identity_uri_with_alphanumeric_serial(self):
        self.assertEqual(
            self._parse("urn:epc:id:sgtin:0614141.012345.A%2F7"),
            {("product", "00614141123452"), ("lot", "A/7")},
        )

    def test_sscc_and_sgln(self):
        sscc_hex = epc.encode("sscc-96", 0, "0614141", "1234567890", None)
        self.assertEqual(self._parse(sscc_hex), {("package", self.sscc)})
        self.assertEqual(self.package.name, self.sscc)
        sgln_hex = epc.encode("sgln-96", 0, "0614141", "12345", "0")
        self.assertEqual(self._parse(sgln_hex), {("location", self.shelf.barcode)})
        self.assertEqual(
            self._parse("urn:epc:id:sgln:0614141.12345.0"),
            {("location", "0614141123452")},
        )

    def test_other_barcodes_parse_as_before(self):
        result = self.nomenclature.parse_barcode("614141123452")
        self.assertEqual((result["type"], result["code"]), ("product", "614141123452"))
        # 24 hexadecimal characters that are no EPC: a plain barcode
        result = self.nomenclature.parse_barcode("FF0000000000000000000000")
        self.assertEqual(result["code"], "FF0000000000000000000000")
        # an EPC scheme Odoo has no record for
        grai_hex = epc.encode("grai-96", 0, "0614141", "12345", "400")
        self.assertEqual(self.nomenclature.parse_barcode(grai_hex), [])

    def test_odoo_uri_parsing_is_kept_for_other_uris(self):
        self.assertEqual(
            self._parse("urn:epc:id:lgtin:0614141.012345.LOT1"),
            {("product", "00614141123452"), ("lot", "LOT1")},
        )
        self.assertEqual(
            self._parse(sgtin("012345", "6789")), self._parse(self.epc_product)
        )

    def test_sgtin_and_sscc_results_are_built_by_odoo(self):
        """Odoo's conversions of URI data build the results of an EPC, so
        that the addons extending them apply to EPCs too."""
        Nomenclature = type(self.nomenclature)
        sscc_hex = epc.encode("sscc-96", 0, "0614141", "1234567890", None)
        for method, barcode, expected in (
            (
                "_convert_uri_gtin_data_into_tracking_number",
                self.epc_product,
                {("product", "00614141123452"), ("lot", "6789")},
            ),
            ("_convert_uri_sscc_data_into_package", sscc_hex, {("package", self.sscc)}),
        ):
            original = getattr(Nomenclature, method)
            with patch.object(
                Nomenclature, method, autospec=True, side_effect=original
            ) as convert:
                self.assertEqual(self._parse(barcode), expected)
            convert.assert_called_once()
