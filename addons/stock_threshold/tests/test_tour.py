from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestStockThresholdTour(HttpCase):
    """The rule form, the status views and the alert form, in a browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].create(
            {"name": "Tour WH", "code": "TOUR"}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Tour Widget", "is_storable": True}
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.product, cls.warehouse.lot_stock_id, 3
        )

    def test_rule_to_alert(self):
        self.start_tour("/odoo", "stock_threshold_rule_to_alert", login="admin")
        rule = self.env["stock.threshold.rule"].search([("name", "=", "Tour minimum")])
        self.assertEqual(rule.min_value, 10)
        alert = self.env["stock.threshold.alert"].search([("rule_id", "=", rule.id)])
        self.assertEqual(alert.kind, "below_min")
        self.assertEqual(alert.state, "acknowledged")
        self.assertEqual(alert.acknowledged_uid, self.env.ref("base.user_admin"))
