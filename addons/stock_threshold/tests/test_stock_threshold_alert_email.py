from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import RecordCapturer, tagged
from odoo.tools import mute_logger

from .common import ThresholdCommon

CRON_XMLID = "stock_threshold.ir_cron_stock_threshold_alert_email"


@tagged("post_install", "-at_install")
class TestThresholdAlertEmail(ThresholdCommon):
    """One e-mail per alert, rendered and queued by the alert e-mail job
    after the stock transaction that opened or escalated the alert."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"threshold_alert_email": "each", "threshold_alert_webhook": False}
        )
        cls.buyer = cls.env["res.users"].create(
            {
                "name": "Mail Buyer",
                "login": "thr_mail_buyer",
                "email": "mail.buyer@example.com",
                "groups_id": [Command.set(cls.env.ref("stock.group_stock_user").ids)],
            }
        )
        cls.Alert = cls.env["stock.threshold.alert"]
        cls.template = cls.env.ref("stock_threshold.mail_template_stock_alert")
        for product in cls.product | cls.product_2:
            cls._add_stock(product, cls.wh_a.lot_stock_id, 50)
            cls._create_rule(product_id=product.id, user_id=cls.buyer.id)

    def _alert(self, product=None):
        return self.Alert.search([("product_id", "=", (product or self.product).id)])

    def _mails(self, alerts):
        return self.env["mail.mail"].search(
            [("model", "=", alerts._name), ("res_id", "in", alerts.ids)], order="id"
        )

    def _deliver(self, quantity, products=None):
        """Validate a delivery of ``quantity`` of each product, watching the
        triggers of the alert e-mail job."""
        products = products or self.product
        with RecordCapturer(
            self.env["ir.cron.trigger"].sudo(),
            [("cron_id", "=", self.env.ref(CRON_XMLID).id)],
        ) as triggers:
            self._validate(
                self._delivery(self.wh_a, [(p, quantity, None) for p in products])
            )
        return triggers.records

    def test_picking_queues_no_mail_the_job_does(self):
        triggers = self._deliver(42)
        alert = self._alert()
        self.assertEqual(alert.kind, "below_min")
        self.assertEqual(alert.email_event, "opened")
        self.assertFalse(self._mails(alert), "no e-mail rendered by the picking")
        self.assertTrue(triggers, "the job is woken up after commit")
        self.assertEqual(self.Alert._cron_send_alert_emails(), 1)
        mail = self._mails(alert)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.buyer.partner_id)
        self.assertEqual(
            mail.subject, "Stock alert: Below minimum: Threshold Plain @ Threshold A"
        )
        self.assertIn("A stock alert you are responsible for opened", mail.body_html)
        self.assertFalse(alert.email_event)
        self.assertEqual(self.Alert._cron_send_alert_emails(), 0)
        self.assertEqual(len(self._mails(alert)), 1, "sent once")

    def test_waiting_email_keeps_its_first_event(self):
        self._deliver(42)
        self._deliver(4)
        alert = self._alert()
        self.assertEqual(alert.kind, "below_safety")
        self.assertEqual(alert.email_event, "opened")
        self.Alert._cron_send_alert_emails()
        mail = self._mails(alert)
        self.assertEqual(len(mail), 1, "one e-mail for what happened meanwhile")
        self.assertEqual(
            mail.subject,
            "Stock alert: Below safety stock: Threshold Plain @ Threshold A",
        )
        self._deliver(4)
        self.assertEqual(alert.kind, "out_of_stock")
        self.assertEqual(alert.email_event, "escalated")
        self.Alert._cron_send_alert_emails()
        self.assertIn("Stock alert escalated", self._mails(alert)[1].subject)

    def test_alert_back_from_snooze_is_mailed_again(self):
        self._deliver(42)
        self.Alert._cron_send_alert_emails()
        alert = self._alert()
        alert.action_snooze(fields.Datetime.now() + timedelta(hours=1))
        with freeze_time(fields.Datetime.now() + timedelta(hours=2)):
            self.Alert._cron_wake_snoozed()
        self.assertEqual(alert.email_event, "woken")
        self.Alert._cron_send_alert_emails()
        self.assertIn(
            "A stock alert you snoozed still holds", self._mails(alert)[1].body_html
        )

    def test_failing_render_spares_the_other_alerts(self):
        self._deliver(42, self.product | self.product_2)
        alert, alert_2 = self._alert(), self._alert(self.product_2)
        # the subject cannot be rendered for the second product's alert
        self.template.subject = (
            "Stock alert: {{ object.display_name }}"
            f"{{{{ '' if 1 / (object.product_id.id - {self.product_2.id}) else '' }}}}"
        )
        with (
            mute_logger("odoo.addons.mail.models.mail_render_mixin"),
            self.assertLogs(
                "odoo.addons.stock_threshold.models.stock_threshold_alert_channel",
                "WARNING",
            ) as logs,
        ):
            self.assertEqual(self.Alert._cron_send_alert_emails(), 2)
        self.assertIn(f"Stock alert {alert_2.id}: e-mail not rendered", logs.output[0])
        self.assertEqual(len(self._mails(alert)), 1)
        self.assertFalse(self._mails(alert_2))
        self.assertIn("could not be rendered", alert_2.message_ids[0].body)
        self.assertFalse((alert | alert_2).filtered("email_event"), "not retried")

    def test_no_mail_to_who_cannot_read_the_alert_any_more(self):
        self._deliver(42)
        alert = self._alert()
        self.assertEqual(alert.email_event, "opened")
        self.buyer.groups_id = [Command.set(self.env.ref("base.group_user").ids)]
        self.Alert._cron_send_alert_emails()
        self.assertFalse(self._mails(alert))
        self.assertFalse(alert.email_event)

    def test_job_works_by_batches_and_reports_progress(self):
        self._deliver(42, self.product | self.product_2)
        cron = self.env.ref(CRON_XMLID)
        cron, progress = cron._add_progress()
        Alert = self.Alert.with_context(ir_cron_progress_id=progress.id)
        self.assertEqual(Alert._cron_send_alert_emails(batch_size=1, limit=1), 1)
        self.assertEqual((progress.done, progress.remaining), (1, 1))
        alerts = self._alert() | self._alert(self.product_2)
        self.assertEqual(len(self._mails(alerts)), 1)
        self.assertEqual(len(alerts.filtered("email_event")), 1)
        self.assertEqual(Alert._cron_send_alert_emails(batch_size=1), 1)
        self.assertEqual((progress.done, progress.remaining), (1, 0))
        self.assertEqual(len(self._mails(alerts)), 2)
