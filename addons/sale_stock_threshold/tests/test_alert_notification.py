from odoo.tests import tagged

from .common import SaleThresholdCommon


@tagged("post_install", "-at_install")
class TestSalespersonNotified(SaleThresholdCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.activity_type = cls.env.ref(
            "sale_stock_threshold.mail_activity_type_sale_stock_alert"
        )
        cls._add_stock(cls.product, cls.wh_a.lot_stock_id, 20)

    def _alert(self, product=None):
        return self.env["stock.threshold.alert"].search(
            [
                ("product_id", "=", (product or self.product).id),
                ("location_id", "=", self.wh_a.view_location_id.id),
                ("state", "!=", "resolved"),
            ]
        )

    def _activities(self, orders):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "in", orders.ids),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def test_opened_and_escalated_shortage_notifies_salespeople(self):
        other_seller = self._create_user(
            "sst_seller_2", "sales_team.group_sale_salesman"
        )
        order = self._create_order([(self.product, 8, None)], confirm=True)
        order_2 = self._create_order(
            [(self.product, 4, None)], confirm=True, user_id=other_seller.id
        )
        self._create_rule()  # forecast 8: below the minimum of 10
        alert = self._alert()
        self.assertEqual(alert.kind, "below_min")
        activities = self._activities(order | order_2)
        self.assertEqual(len(activities), 2)
        self.assertEqual(activities.user_id, self.salesman | other_seller)
        self.assertIn(self.product.name, activities[0].summary)
        for activity in activities:
            # reached on their own order, which they can read
            order_read = self.env["sale.order"].with_user(activity.user_id)
            self.assertTrue(order_read.browse(activity.res_id).has_access("read"))
        # a delivery of 4 brings the forecast to 4: below the safety stock
        self._validate(self._delivery(self.wh_a, [(self.product, 4, None)]))
        self.assertEqual(alert.kind, "below_safety")
        self.assertEqual(len(self._activities(order | order_2)), 4)

    def test_no_notification_without_open_order(self):
        quotation = self._create_order([(self.product, 15, None)])
        delivered = self._create_order([(self.product, 1, None)], confirm=True)
        self._validate(delivered.picking_ids)
        self._create_rule(min_value=30)
        self.assertEqual(self._alert().kind, "below_min")
        self.assertFalse(self._activities(quotation | delivered))

    def test_overstock_does_not_notify(self):
        order = self._create_order([(self.product, 1, None)], confirm=True)
        self._create_rule(safety_value=0, min_value=0, max_value=5)
        self.assertEqual(self._alert().kind, "overstock")
        self.assertFalse(self._activities(order))

    def test_other_warehouse_orders_are_not_notified(self):
        self._add_stock(self.product, self.wh_b.lot_stock_id, 20)
        order_b = self._create_order([(self.product, 8, None)], self.wh_b, confirm=True)
        self._create_rule(min_value=30)
        self.assertTrue(self._alert())
        self.assertFalse(self._activities(order_b))

    def test_salespeople_never_follow_alerts_they_cannot_read(self):
        order = self._create_order([(self.product, 12, None)], confirm=True)
        self._create_rule()
        alert = self._alert()
        self.assertTrue(self._activities(order))
        self.assertFalse(alert.with_user(self.salesman).has_access("read"))
        self.assertNotIn(self.salesman.partner_id, alert.message_partner_ids)
        for partner in alert.message_partner_ids:
            for user in partner.user_ids:
                self.assertTrue(
                    alert.with_user(user).has_access("read"),
                    f"{user.name} follows an alert they cannot read",
                )
        # the salesperson's notifications are about the order only
        notified = self.env["mail.notification"].search(
            [("res_partner_id", "=", self.salesman.partner_id.id)]
        )
        self.assertNotIn(alert._name, notified.mail_message_id.mapped("model"))
