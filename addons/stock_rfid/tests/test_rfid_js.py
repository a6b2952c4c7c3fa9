from odoo.tests import HttpCase, tagged

from odoo.addons.web.tests.test_js import unit_test_error_checker


@tagged("post_install", "-at_install")
class TestRfidJs(HttpCase):
    def test_barcode_parser_epc(self):
        """The JS barcode parser reads hexadecimal EPCs and SGLN URIs
        (static/tests/barcode_parser_epc.test.js)."""
        self.browser_js(
            "/web/tests?headless&loglevel=2&timeout=15000&filter=stock_rfid",
            "",
            "",
            login="admin",
            timeout=1800,
            success_signal="[HOOT] test suite succeeded",
            error_checker=unit_test_error_checker,
        )
