from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from odoo.addons.bus.websocket import WebsocketConnectionHandler

from .common import ThresholdCommon


@tagged("post_install", "-at_install")
class TestAlertNoticeTour(HttpCase, ThresholdCommon):
    """The live notice of an alert, in a browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Odoo's test runner refuses websockets unless a test allows them,
        # as bus's WebsocketCase does: the notice travels on one.
        cls.startClassPatcher(
            patch.object(
                WebsocketConnectionHandler, "websocket_allowed", return_value=True
            )
        )
        cls.admin = cls.env.ref("base.user_admin")
        cls.company.threshold_alert_bus = True
        cls.product = cls._create_product("Notice Widget", cls.categ_child)

    def test_live_notice_opens_the_alert(self):
        self._create_rule(user_id=self.admin.id)
        alert = self.env["stock.threshold.alert"].search(
            [("product_id", "=", self.product.id)]
        )
        self.assertEqual(alert.user_id, self.admin)
        # The bus notice is stored on commit, which a test never reaches; the
        # web client's first poll returns the notices of the last seconds,
        # measured from the clock (the test transaction started earlier).
        self.env.cr.precommit.run()
        self.env.cr.execute(
            "UPDATE bus_bus SET create_date = clock_timestamp() AT TIME ZONE 'UTC' "
            "WHERE message LIKE %s",
            [f'%"id":{alert.id},"title"%'],
        )
        self.assertEqual(self.env.cr.rowcount, 1)
        self.start_tour("/odoo", "stock_threshold_alert_notice", login="admin")
