from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import ThresholdCommon


@tagged("post_install", "-at_install")
class TestThresholdAlertChannels(ThresholdCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = cls.env["res.users"].create(
            {
                "name": "Channel Buyer",
                "login": "thr_channel_buyer",
                "email": "buyer@example.com",
                "groups_id": [(6, 0, [cls.env.ref("stock.group_stock_user").id])],
            }
        )
        cls.Alert = cls.env["stock.threshold.alert"]
        cls.company.threshold_alert_email = "none"

    def _alert(self, product=None):
        return self.Alert.search([("product_id", "=", (product or self.product).id)])

    def _mails(self, **domain):
        """Mails of the alert templates (not the activity assignments), once
        the alert e-mail job has queued the waiting ones."""
        self.Alert._cron_send_alert_emails()
        return self.env["mail.mail"].search(
            [
                ("subject", "=like", "Stock alert%"),
                *[(key, "=", value) for key, value in domain.items()],
            ],
            order="id",
        )

    def _bus_notices(self, alert):
        self.env.cr.precommit.run()
        return (
            self.env["bus.bus"]
            .sudo()
            .search([("message", "like", f'"id":{alert.id},"title"')])
        )

    def test_one_email_per_alert_opened_and_escalated(self):
        self.company.threshold_alert_email = "each"
        self._add_stock(self.product, self.wh_a.lot_stock_id, 8)
        self._create_rule(user_id=self.buyer.id)
        alert = self._alert()
        mail = self._mails(model=alert._name, res_id=alert.id)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.buyer.partner_id)
        self.assertEqual(
            mail.subject, "Stock alert: Below minimum: Threshold Plain @ Threshold A"
        )
        self.assertIn("A stock alert you are responsible for opened", mail.body_html)
        self.assertIn("Threshold Plain", mail.body_html)
        self.assertIn(f"res_id={alert.id}", mail.body_html)
        self._validate(self._delivery(self.wh_a, [(self.product, 4, None)]))
        mails = self._mails(model=alert._name, res_id=alert.id)
        self.assertEqual(len(mails), 2)
        self.assertIn("Stock alert escalated: Below safety stock", mails[1].subject)
        self.assertIn("escalated", mails[1].body_html)
        self._validate(self._receipt(self.wh_a, [(self.product, 50, None)]))
        self.assertEqual(alert.state, "resolved")
        self.assertEqual(len(self._mails(model=alert._name, res_id=alert.id)), 2)

    def test_daily_digest_per_user(self):
        self._create_rule(
            user_id=self.buyer.id, alert_channels="custom", alert_email="digest"
        )
        self._create_rule(
            product_id=self.product_2.id,
            user_id=self.buyer.id,
            alert_channels="custom",
            alert_email="each",
        )
        alert = self._alert()
        self.assertFalse(self._mails(model=alert._name, res_id=alert.id))
        later = fields.Datetime.now() + timedelta(hours=1)
        with freeze_time(later):
            self.Alert._cron_send_digest()
        digest = self._mails(model="res.users", res_id=self.buyer.id)
        self.assertEqual(len(digest), 1)
        self.assertEqual(digest.recipient_ids, self.buyer.partner_id)
        self.assertEqual(digest.subject, "Stock alerts of the day")
        self.assertIn("Opened", digest.body_html)
        self.assertIn("Out of stock: Threshold Plain", digest.body_html)
        self.assertNotIn("Threshold Other", digest.body_html, "e-mailed on its own")
        self.assertNotIn("Resolved", digest.body_html)
        with freeze_time(later + timedelta(hours=1)):
            self.Alert._cron_send_digest()
            self.assertEqual(len(self._mails(model="res.users")), 1, "nothing new")
            self._validate(self._receipt(self.wh_a, [(self.product, 50, None)]))
        with freeze_time(later + timedelta(days=1)):
            self.Alert._cron_send_digest()
        digest = self._mails(model="res.users", res_id=self.buyer.id)[1]
        self.assertIn("Resolved", digest.body_html)
        self.assertNotIn("Opened", digest.body_html)

    def test_rule_channels_override_company_defaults(self):
        self._create_rule(
            user_id=self.buyer.id,
            alert_channels="custom",
            alert_activity=False,
            alert_bus=False,
            alert_email="each",
        )
        alert = self._alert()
        self.assertFalse(alert.activity_ids)
        self.assertFalse(self._bus_notices(alert))
        self.assertTrue(self._mails(model=alert._name, res_id=alert.id))

    def test_company_defaults(self):
        self.company.write(
            {"threshold_alert_activity": False, "threshold_alert_bus": False}
        )
        self._create_rule(user_id=self.buyer.id)
        alert = self._alert()
        self.assertFalse(alert.activity_ids)
        self.assertFalse(self._bus_notices(alert))
        self.company.write(
            {"threshold_alert_activity": True, "threshold_alert_bus": True}
        )
        self._create_rule(product_id=self.product_2.id, user_id=self.buyer.id)
        alert_2 = self._alert(self.product_2)
        self.assertEqual(alert_2.activity_ids.user_id, self.buyer)
        self.assertEqual(len(self._bus_notices(alert_2)), 1)

    def test_settings_edit_company_defaults(self):
        settings = self.env["res.config.settings"].create(
            {"threshold_alert_email": "each", "threshold_alert_webhook": False}
        )
        settings.execute()
        self.assertEqual(self.company.threshold_alert_email, "each")
        self.assertFalse(self.company.threshold_alert_webhook)
