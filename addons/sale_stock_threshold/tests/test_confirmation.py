from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SaleThresholdCommon


@tagged("post_install", "-at_install")
class TestConfirmation(SaleThresholdCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_rule()  # safety 5, minimum 10
        cls._add_stock(cls.product, cls.wh_a.lot_stock_id, 20)

    def _confirm_from_form(self, order, user=None):
        """Confirm as the form's button does."""
        order = order.with_user(user or self.salesman)
        return order.with_context(sale_threshold_check=True).action_confirm()

    def _set_mode(self, mode):
        self.env.company.sale_threshold_confirm_check = mode

    def test_warn_opens_wizard_then_confirms(self):
        self._set_mode("warn")
        order = self._create_order(
            [(self.product, 12, None), (self.product_2, 0, None)]
        )
        action = self._confirm_from_form(order)
        self.assertEqual(action["res_model"], "sale.threshold.confirm")
        self.assertEqual(order.state, "draft")
        wizard = self.env["sale.threshold.confirm"].browse(action["res_id"])
        self.assertEqual(wizard.line_ids.product_id, self.product)
        wizard.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_no_breach_confirms_at_once(self):
        self._set_mode("warn")
        order = self._create_order([(self.product, 2, None)])
        self.assertIs(self._confirm_from_form(order), True)
        self.assertEqual(order.state, "sale")

    def test_off_confirms_despite_breach(self):
        self._set_mode("off")
        order = self._create_order([(self.product, 18, None)])
        self.assertIs(self._confirm_from_form(order), True)
        self.assertEqual(order.state, "sale")

    def test_block_refuses_salesman_and_lets_manager_confirm(self):
        self._set_mode("block")
        order = self._create_order([(self.product, 12, None)])
        with self.assertRaisesRegex(UserError, "Threshold Plain"):
            self._confirm_from_form(order)
        self.assertEqual(order.state, "draft")
        action = self._confirm_from_form(order, self.sale_manager)
        self.assertEqual(action["res_model"], "sale.threshold.confirm")
        wizard = self.env["sale.threshold.confirm"].browse(action["res_id"])
        wizard.with_user(self.sale_manager).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_block_is_enforced_outside_the_form(self):
        """Neither a call without the form's context nor the wizard lets a
        salesperson confirm a blocked order."""
        self._set_mode("block")
        order = self._create_order([(self.product, 12, None)])
        with self.assertRaisesRegex(UserError, "ask a sales manager"):
            order.with_user(self.salesman).action_confirm()
        wizard = self.env["sale.threshold.confirm"].create(
            {"order_ids": order.ids, "line_ids": order.order_line.ids}
        )
        with self.assertRaisesRegex(UserError, "ask a sales manager"):
            wizard.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "draft")
        order.with_user(self.sale_manager).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_block_refuses_only_breaching_orders(self):
        self._set_mode("block")
        order = self._create_order([(self.product, 2, None)])
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_warn_never_refuses(self):
        self._set_mode("warn")
        order = self._create_order([(self.product, 12, None)])
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_superuser_code_is_not_interrupted(self):
        """E-commerce payments and portal signatures confirm in superuser
        mode: they are not refused."""
        self._set_mode("block")
        order = self._create_order([(self.product, 12, None)])
        order.with_user(self.salesman).sudo().action_confirm()
        self.assertEqual(order.state, "sale")

    def test_form_buttons_ask_for_the_check(self):
        arch = self.env["sale.order"].get_views([(False, "form")])["views"]["form"][
            "arch"
        ]
        self.assertEqual(arch.count("'sale_threshold_check': True"), 2)
