from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import ThresholdCommon


@tagged("post_install", "-at_install")
class TestAlertReaders(ThresholdCommon):
    """Nobody is made responsible of, follows or hears of an alert they
    cannot read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"threshold_alert_email": "each", "threshold_alert_bus": True}
        )
        Users = cls.env["res.users"]
        cls.employee = Users.create(
            {
                "name": "Alert Employee",
                "login": "thr_alert_employee",
                "email": "employee@example.com",
                "groups_id": [Command.set(cls.env.ref("base.group_user").ids)],
            }
        )
        cls.company_b = cls.env["res.company"].create({"name": "Alert Reader Co B"})
        cls.buyer_b = Users.create(
            {
                "name": "Alert Buyer B",
                "login": "thr_alert_buyer_b",
                "email": "buyer_b@example.com",
                "company_id": cls.company_b.id,
                "company_ids": [Command.set(cls.company_b.ids)],
                "groups_id": [Command.set(cls.env.ref("stock.group_stock_user").ids)],
            }
        )
        cls.buyer = Users.create(
            {
                "name": "Alert Buyer",
                "login": "thr_alert_buyer",
                "email": "buyer@example.com",
                "groups_id": [Command.set(cls.env.ref("stock.group_stock_user").ids)],
            }
        )
        cls.Alert = cls.env["stock.threshold.alert"]

    def _alert(self):
        return self.Alert.search([("product_id", "=", self.product.id)])

    def _assert_only_readers_follow(self, alert):
        for partner in alert.message_partner_ids:
            for user in partner.user_ids:
                self.assertTrue(
                    alert.with_user(user).has_access("read"),
                    f"{user.name} follows an alert they cannot read",
                )

    def _notified(self, user, alert):
        """Bus notices, e-mails and activities of the alert for ``user``,
        the e-mails being queued by their job after the transaction."""
        self.env.cr.precommit.run()
        self.Alert._cron_send_alert_emails()
        notices = (
            self.env["bus.bus"]
            .sudo()
            .search(
                [
                    ("channel", "like", f'"res.partner",{user.partner_id.id}]'),
                    ("message", "like", f'"id":{alert.id},"title"'),
                ]
            )
        )
        mails = self.env["mail.mail"].search(
            [
                ("model", "=", alert._name),
                ("res_id", "=", alert.id),
                ("recipient_ids", "in", user.partner_id.ids),
            ]
        )
        activities = alert.activity_ids.filtered(lambda a: a.user_id == user)
        return notices, mails, activities

    def test_responsible_without_inventory_rights_is_skipped(self):
        self.assertFalse(self.Alert.with_user(self.employee).has_access("read"))
        self.product.responsible_id = self.employee
        self._create_rule()
        alert = self._alert()
        self.assertTrue(alert.user_id)
        self.assertNotEqual(alert.user_id, self.employee)
        self.assertTrue(alert.with_user(alert.user_id).has_access("read"))
        self.assertNotIn(self.employee.partner_id, alert.message_partner_ids)
        self.assertFalse(any(self._notified(self.employee, alert)))
        self._assert_only_readers_follow(alert)

    def test_responsible_of_another_company_is_skipped(self):
        self._create_rule(user_id=self.buyer_b.id)
        alert = self._alert()
        self.assertNotEqual(alert.user_id, self.buyer_b)
        self.assertFalse(any(self._notified(self.buyer_b, alert)))
        self._assert_only_readers_follow(alert)

    def test_reader_responsible_is_kept_and_notified(self):
        self._create_rule(user_id=self.buyer.id)
        alert = self._alert()
        self.assertEqual(alert.user_id, self.buyer)
        notices, mails, activities = self._notified(self.buyer, alert)
        self.assertTrue(notices)
        self.assertTrue(mails)
        self.assertTrue(activities)
        self.assertIn(self.buyer.partner_id, alert.message_partner_ids)

    def test_responsible_must_read_the_alert(self):
        self._create_rule(user_id=self.buyer.id)
        alert = self._alert()
        with self.assertRaisesRegex(ValidationError, "cannot read the stock alert"):
            alert.user_id = self.employee
        with self.assertRaisesRegex(ValidationError, "cannot read the stock alert"):
            alert.user_id = self.buyer_b

    def test_responsible_who_lost_the_rights_is_not_notified(self):
        self._add_stock(self.product, self.wh_a.lot_stock_id, 8)
        self._create_rule(user_id=self.buyer.id)
        alert = self._alert()
        self.assertEqual(alert.kind, "below_min")
        self.Alert._cron_send_alert_emails()
        alert.activity_ids.unlink()
        self.buyer.groups_id = [Command.set(self.env.ref("base.group_user").ids)]
        self.assertFalse(alert.with_user(self.buyer).has_access("read"))
        self._validate(self._delivery(self.wh_a, [(self.product, 8, None)]))
        self.assertEqual(alert.kind, "out_of_stock")
        self.assertFalse(alert.activity_ids)
        notices, mails, _activities = self._notified(self.buyer, alert)
        self.assertEqual(len(mails), 1, "only the e-mail of the opening")
        self.assertFalse(notices.filtered(lambda n: "escalated" in n.message))
