from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.stock_threshold.tests.common import JsonRpcMixin

from .common import SaleThresholdCommon


@tagged("post_install", "-at_install")
class TestConfirmationRpc(HttpCase, JsonRpcMixin, SaleThresholdCommon):
    """A company that blocks: external clients are refused as the form is."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_rule()  # safety 5, minimum 10
        cls._add_stock(cls.product, cls.wh_a.lot_stock_id, 20)
        cls.env.company.sale_threshold_confirm_check = "block"
        for user in cls.salesman | cls.sale_manager:
            user.password = f"{user.login}-pw"

    def _jsonrpc_confirm(self, user, order):
        return self._jsonrpc_execute_kw(
            user.id, f"{user.login}-pw", "sale.order", "action_confirm", [order.ids]
        )

    def test_salesman_refused_manager_confirms(self):
        order = self._create_order([(self.product, 12, None)])
        answer = self._jsonrpc_confirm(self.salesman, order)
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.UserError")
        self.assertIn("ask a sales manager", answer["error"]["data"]["message"])
        order.invalidate_recordset(["state"])
        self.assertEqual(order.state, "draft")
        answer = self._jsonrpc_confirm(self.sale_manager, order)
        self.assertNotIn("error", answer)
        order.invalidate_recordset(["state"])
        self.assertEqual(order.state, "sale")

    def test_web_client_call_without_the_form_context(self):
        """The web client's own RPC route, as a button without the form's
        context would call it."""
        order = self._create_order([(self.product, 12, None)])
        self.authenticate(self.salesman.login, f"{self.salesman.login}-pw")
        with self.assertRaisesRegex(JsonRpcException, "UserError"):
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/sale.order/action_confirm",
                {
                    "model": "sale.order",
                    "method": "action_confirm",
                    "args": [order.ids],
                    "kwargs": {},
                },
            )
        order.invalidate_recordset(["state"])
        self.assertEqual(order.state, "draft")
