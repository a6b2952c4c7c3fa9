from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.stock_rfid.lib import epc

from .common import RfidCommon


@tagged("post_install", "-at_install")
class TestRfidCommission(RfidCommon):
    def _wizard(self, **values):
        return self.env["stock.rfid.commission"].create(
            {"product_id": self.product.id, **values}
        )

    def test_sequence_serials_make_sgtin96_tags_and_serial_numbers(self):
        wizard = self._wizard(quantity=3)
        self.assertTrue(wizard.create_lots)
        action = wizard.action_commission()
        tags = self.env["stock.rfid.tag"].browse(action["context"]["active_ids"])
        self.assertEqual(len(tags), 3)
        self.assertEqual(set(tags.mapped("state")), {"commissioned"})
        self.assertEqual(set(tags.mapped("scheme")), {"sgtin-96"})
        self.assertEqual(set(tags.mapped("gtin")), {"00614141123452"})
        self.assertEqual(tags.lot_id.mapped("name"), tags.mapped("serial"))
        self.assertEqual(tags.lot_id.product_id, self.product)
        decoded = epc.decode(tags[0].epc)
        self.assertEqual((decoded.filter, decoded.company_prefix), (1, "0614141"))
        self.assertEqual(action["report_name"], "stock_rfid.stock_rfid_tag_label_zpl")
        # serials of the sequence are not reused
        again = self._wizard(quantity=1).action_commission()
        tag = self.env["stock.rfid.tag"].browse(again["context"]["active_ids"])
        self.assertNotIn(tag.serial, tags.mapped("serial"))

    def test_lot_serials_and_alphanumeric_serials_use_sgtin198(self):
        lot_alpha = self.env["stock.lot"].create(
            {"name": "SN-A/01", "product_id": self.product.id}
        )
        form = Form(self.env["stock.rfid.commission"])
        form.product_id = self.product
        form.source = "lots"
        form.label_format = "pdf"
        form.lot_ids.add(self.lot)
        form.lot_ids.add(lot_alpha)
        action = form.save().action_commission()
        tags = self.env["stock.rfid.tag"].browse(action["context"]["active_ids"])
        schemes = {tag.lot_id: tag.scheme for tag in tags}
        self.assertEqual(schemes, {self.lot: "sgtin-96", lot_alpha: "sgtin-198"})
        self.assertEqual(
            tags.filtered(lambda t: t.lot_id == lot_alpha).serial, "SN-A/01"
        )
        self.assertEqual(action["report_type"], "qweb-pdf")
        with self.assertRaises(UserError):  # already commissioned
            self._wizard(
                source="lots", lot_ids=[(6, 0, self.lot.ids)]
            ).action_commission()

    def test_product_without_gtin_is_refused(self):
        self.product.barcode = False
        with self.assertRaises(UserError):
            self._wizard(quantity=1).action_commission()

    def test_zpl_label_encodes_epc_with_rfw(self):
        self.product.name = "Widget ^XZ~JR"
        tag = self.env["stock.rfid.tag"].create(
            {"epc": self.epc_product, "product_id": self.product.id}
        )
        zpl, report_format = self.env["ir.actions.report"]._render_qweb_text(
            "stock_rfid.stock_rfid_tag_report_zpl", tag.ids
        )
        zpl = zpl.decode()
        self.assertEqual(report_format, "text")
        self.assertIn(f"^RFW,H,,,A^FD{self.epc_product}^FS", zpl)
        self.assertIn("^FD(01)00614141123452(21)6789^FS", zpl)
        self.assertIn("Widget  XZ JR", zpl)
        self.assertEqual((zpl.count("^XA"), zpl.count("^XZ")), (1, 1))

    def test_pdf_label_html(self):
        tag = self.env["stock.rfid.tag"].create(
            {"epc": self.epc_product, "product_id": self.product.id}
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("stock_rfid.stock_rfid_tag_report_pdf", tag.ids)[0]
            .decode()
        )
        self.assertIn(f"EPC {self.epc_product}", html)
        self.assertIn("(01)00614141123452(21)6789", html)
        self.assertIn('alt="Barcode 6789" src="data:image/png', html)
