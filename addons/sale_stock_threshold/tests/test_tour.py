from odoo.tests import HttpCase, tagged

from .common import SaleThresholdCommon


@tagged("post_install", "-at_install")
class TestSaleThresholdTour(HttpCase, SaleThresholdCommon):
    """The position columns, the warning and the checked confirmation of
    the quotation form, in a browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.partner"].create({"name": "Tour Customer"})
        cls.gadget = cls._create_product("Tour Gadget", cls.categ_child)
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.ref("base.main_company").id)], limit=1
        )
        cls._create_rule(warehouse_id=cls.warehouse.id, product_id=cls.gadget.id)
        cls._add_stock(cls.gadget, cls.warehouse.lot_stock_id, 20)
        cls.env.ref("base.main_company").sale_threshold_confirm_check = "warn"

    def test_line_warning_and_checked_confirmation(self):
        self.start_tour("/odoo", "sale_stock_threshold_line_warning", login="admin")
        order = self.env["sale.order"].search(
            [("partner_id.name", "=", "Tour Customer")]
        )
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.order_line.product_uom_qty, 12)
        self.assertEqual(order.warehouse_id, self.warehouse)
