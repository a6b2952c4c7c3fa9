from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SaleThresholdCommon


@tagged("post_install", "-at_install")
class TestSalesmanAccess(SaleThresholdCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls._create_rule()
        cls._add_stock(cls.product, cls.wh_a.lot_stock_id, 20)

    def test_salesman_sees_line_figures_without_inventory_rights(self):
        self.assertFalse(self.salesman.has_group("stock.group_stock_user"))
        self.assertFalse(
            self.salesman.has_group("stock_threshold.group_threshold_user")
        )
        order = self._create_order([(self.product, 11, None)])
        line = order.order_line.with_user(self.salesman)
        self.assertEqual(line.threshold_free, 20)
        self.assertEqual((line.threshold_min_qty, line.threshold_safety_qty), (10, 5))
        self.assertEqual(line.threshold_warning, "below_min")

    def test_salesman_cannot_read_positions_or_rules_directly(self):
        env = self.env(user=self.salesman)
        with self.assertRaises(AccessError):
            env["stock.position"].get_positions(product_ids=self.product.ids)
        with self.assertRaises(AccessError):
            env["stock.threshold.rule"].browse(self.rule.id).read(["min_value"])

    def test_figures_stay_within_the_users_companies(self):
        """Positions are read in superuser mode, which would read any
        company's warehouse: lines of other companies get no figures."""
        company_b = self.env["res.company"].create({"name": "Sale Threshold Co B"})
        wh_b = self.env["stock.warehouse"].search([("company_id", "=", company_b.id)])
        self._add_stock(self.product, wh_b.lot_stock_id, 50)
        order_b = self._create_order(
            [(self.product, 1, None)], wh_b, company_id=company_b.id, user_id=False
        )
        self.assertEqual(order_b.order_line.threshold_free, 50)
        order_b.order_line.invalidate_recordset()
        line = order_b.order_line.with_user(self.salesman).sudo()
        self.assertEqual(line.threshold_free, 0)
        self.assertFalse(line.threshold_status)
