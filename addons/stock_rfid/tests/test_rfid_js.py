import json
from pathlib import Path

from odoo.tests import HttpCase, tagged

from odoo.addons.stock_rfid.lib import epc
from odoo.addons.web.tests.test_js import unit_test_error_checker

DATA = Path(__file__).parent / "data"
JS_VECTORS = Path(__file__).parents[1] / "static" / "tests" / "epc_vectors.js"
JS_VECTORS_HEAD = """\
// EPC vectors of tests/data/epc_vectors.json (the shared GS1 vectors) and
// tests/data/epc_own_vectors.json, with the tag URI of the Python codec (or
// null) and the parse results of the server's barcode.nomenclature, for the
// JS parser to give the same. Generated: tests/test_rfid_js.py checks it.
export const EPC_VECTORS = """


def js_vectors(nomenclature):
    """The vectors of the JS test: every hexadecimal EPC of the data files
    with its tag URI and parse results on the server."""
    vectors = []
    for name in ("epc_vectors.json", "epc_own_vectors.json"):
        for vector in json.loads((DATA / name).read_text()):
            if not vector.get("hex"):
                continue
            try:
                tag_uri = epc.decode(vector["hex"]).tag_uri
            except epc.EpcError:
                tag_uri = None
            parsed = tag_uri and nomenclature._decode_epc(vector["hex"])
            results = parsed and nomenclature._prepare_epc_results(
                vector["hex"], parsed
            )
            vectors.append(
                {
                    "hex": vector["hex"],
                    "tag_uri": tag_uri,
                    "parsed": [[r["type"], r["value"]] for r in results]
                    if parsed
                    else None,
                }
            )
    return vectors


def js_vectors_source(nomenclature):
    """Source of static/tests/epc_vectors.js."""
    lines = (f"    {json.dumps(vector)}," for vector in js_vectors(nomenclature))
    return JS_VECTORS_HEAD + "[\n" + "\n".join(lines) + "\n];\n"


@tagged("post_install", "-at_install")
class TestRfidJs(HttpCase):
    def test_js_vectors_follow_the_python_codec(self):
        """static/tests/epc_vectors.js holds the vectors of tests/data with
        what the Python codec and nomenclature make of them; rewrite it with
        ``js_vectors_source`` when they change."""
        nomenclature = self.env.ref("barcodes.default_barcode_nomenclature")
        self.assertEqual(JS_VECTORS.read_text(), js_vectors_source(nomenclature))

    def test_barcode_parser_epc(self):
        """The JS barcode parser reads hexadecimal EPCs of every scheme of
        the codec and SGLN URIs (static/tests/barcode_parser_epc.test.js)."""
        self.browser_js(
            "/web/tests?headless&loglevel=2&timeout=15000&filter=stock_rfid",
            "",
            "",
            login="admin",
            timeout=1800,
            success_signal="[HOOT] test suite succeeded",
            error_checker=unit_test_error_checker,
        )
