from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.common import TestPoSCommon
from odoo.addons.pos_sale_stock_threshold.models.pos_order import (
    POS_SYNC_CONTEXT_KEY,
)


@tagged("post_install", "-at_install")
class TestPosSettlement(TestPoSCommon):
    """A company that blocks the confirmations breaching its thresholds, and
    a cashier who is a salesperson but no sales manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        cls.warehouse = cls.company_data["default_warehouse"]
        cls.product = cls.create_product("Threshold Counter", cls.categ_basic, 10.0)
        cls.env["stock.threshold.rule"].create(
            {
                "scope_type": "warehouse",
                "warehouse_id": cls.warehouse.id,
                "product_scope": "product",
                "product_id": cls.product.id,
                "safety_value": 5,
                "min_value": 10,
                "max_value": 100,
            }
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.product, cls.warehouse.lot_stock_id, 20
        )
        cls.company.sale_threshold_confirm_check = "block"
        cls.cashier = cls.env["res.users"].create(
            {
                "name": "Threshold Cashier",
                "login": "pos_sst_cashier",
                "email": "pos_sst_cashier@example.com",
                "company_id": cls.company.id,
                "company_ids": [Command.set(cls.company.ids)],
                "groups_id": [
                    Command.set(
                        [
                            cls.env.ref("point_of_sale.group_pos_user").id,
                            cls.env.ref("sales_team.group_sale_salesman").id,
                        ]
                    )
                ],
            }
        )

    def setUp(self):
        super().setUp()
        # 12 of 20 in stock bring the forecast to 8, below the minimum of 10
        self.quotation = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.cashier.id,
                "warehouse_id": self.warehouse.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 12}
                    )
                ],
            }
        )

    def _settle_at_counter(self, quotation, user):
        """Pay the quotation in the Point of Sale and sync the order as the
        cashier's POS does."""
        self.open_new_session()
        line = quotation.order_line
        order = self.create_ui_order_data(
            [
                {
                    "product": line.product_id,
                    "quantity": line.product_uom_qty,
                    "sale_order_origin_id": quotation.id,
                    "sale_order_line_id": line.id,
                }
            ],
            customer=quotation.partner_id,
        )
        order["user_id"] = user.id
        synced = self.env["pos.order"].with_user(user).sync_from_ui([order])
        return self.env["pos.order"].browse(synced["pos.order"][0]["id"])

    def test_cashier_is_refused_outside_the_point_of_sale(self):
        quotation = self.quotation.with_user(self.cashier)
        self.assertEqual(quotation.order_line.threshold_warning, "below_min")
        with self.assertRaisesRegex(UserError, "ask a sales manager"):
            quotation.action_confirm()
        self.assertEqual(self.quotation.state, "draft")

    def test_cashier_settles_breaching_quotation_at_the_counter(self):
        pos_order = self._settle_at_counter(self.quotation, self.cashier)
        self.assertEqual(pos_order.state, "paid")
        self.assertEqual(pos_order.lines.sale_order_origin_id, self.quotation)
        self.assertEqual(self.quotation.state, "sale")
        self.assertEqual(pos_order.picking_ids.state, "done")

    def test_skip_flag_stays_within_the_sync(self):
        """Settling one quotation lets no other confirmation of the cashier
        through."""
        other = self.quotation.copy({"user_id": self.cashier.id})
        self._settle_at_counter(self.quotation, self.cashier)
        with self.assertRaisesRegex(UserError, "ask a sales manager"):
            other.with_user(self.cashier).action_confirm()
        self.assertEqual(other.state, "draft")

    def test_sync_key_exempts_point_of_sale_users_only(self):
        """The sync's context key, which an RPC client may send, lifts the
        block for Point of Sale users only."""
        salesman = self.cashier.copy(
            {
                "login": "pos_sst_salesman",
                "groups_id": [
                    Command.set([self.env.ref("sales_team.group_sale_salesman").id])
                ],
            }
        )
        self.quotation.user_id = salesman
        keyed = {POS_SYNC_CONTEXT_KEY: True}
        quotation = self.quotation.with_user(salesman).with_context(**keyed)
        with self.assertRaisesRegex(UserError, "ask a sales manager"):
            quotation.action_confirm()
        self.assertEqual(self.quotation.state, "draft")
        self.quotation.user_id = self.cashier
        self.quotation.with_user(self.cashier).with_context(**keyed).action_confirm()
        self.assertEqual(self.quotation.state, "sale")
