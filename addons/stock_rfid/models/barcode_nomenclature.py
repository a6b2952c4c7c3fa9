import re

from odoo import models

from ..lib import epc as epc_codec

# Lengths of the hexadecimal EPCs of the codec's schemes (96 bits, and 170 to
# 202 bits padded to 16-bit words): other hexadecimal-looking barcodes, such
# as EAN or GS1-128 digits, are left to the nomenclature.
EPC_HEX_LENGTHS = frozenset({24, 44, 52})
_HEX = re.compile(r"[0-9A-Fa-f]+").fullmatch


class BarcodeNomenclature(models.Model):
    _inherit = "barcode.nomenclature"

    def parse_barcode(self, barcode):
        """Parse a hexadecimal EPC, as an RFID reader or a handheld reports
        it, or an EPC URI (urn:epc:id, urn:epc:tag, urn:epc:raw) of any
        scheme of the EPC codec, into the GS1 keys Odoo searches: product
        (GTIN-14) and lot/serial, package (SSCC-18), location (GLN-13).
        Anything else is parsed as before."""
        decoded = self._decode_epc(barcode)
        if decoded is None:
            return super().parse_barcode(barcode)
        return self._prepare_epc_results(barcode, decoded)

    def _decode_epc(self, barcode):
        """The epc_codec.Epc of ``barcode``, or None when it is no EPC."""
        if not isinstance(barcode, str):
            return None
        text = barcode.strip()
        try:
            if text.startswith("urn:epc:id:"):
                return epc_codec.parse_identity_uri(text)
            if text.startswith(("urn:epc:tag:", "urn:epc:raw:")):
                return epc_codec.parse_uri(text)
            if len(text) in EPC_HEX_LENGTHS and _HEX(text):
                return epc_codec.decode(text)
        except epc_codec.EpcError:
            return None
        return None

    def _prepare_epc_results(self, barcode, decoded):
        """Parsed results of an EPC, in the format of parse_uri: those of an
        SGTIN and an SSCC as Odoo builds them from a URI's data (so that its
        extensions apply to EPCs too), a location for an SGLN, none for the
        schemes Odoo has no record for."""
        data = (decoded.company_prefix, decoded.reference)
        if decoded.kind == "sgtin":
            return self._convert_uri_gtin_data_into_tracking_number(
                barcode, (*data, decoded.serial)
            )
        if decoded.kind == "sscc":
            return self._convert_uri_sscc_data_into_package(barcode, data)
        if decoded.kind == "sgln":
            return [self._prepare_epc_location_result(barcode, decoded.gs1_key)]
        return []

    def _prepare_epc_location_result(self, barcode, gln):
        """Parsed result of an SGLN: the location whose barcode is its GLN
        (Odoo's URI parsing has no location)."""
        return {
            "base_code": barcode,
            "code": gln,
            "encoding": "",
            "type": "location",
            "value": gln,
        }
