from datetime import timedelta
from io import BytesIO
from unittest.mock import patch

import openpyxl

from odoo import fields

from .common import AnalyticsCommon


class TestSchedule(AnalyticsCommon):
    """Scheduled e-mails of a report, XLSX attached."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._receive(cls.product_std, cls.wh_1, 6, 120, 4.0)
        cls.recipient = cls.env["res.users"].create(
            {
                "name": "Analytics recipient",
                "login": "analytics_recipient",
                "email": "recipient@example.com",
            }
        )
        cls.schedule = cls.env["stock.analytics.schedule"].create(
            {
                "name": "Dead stock",
                "report": "dead_stock",
                "warehouse_ids": [(6, 0, cls.wh_1.ids)],
                "user_ids": [(6, 0, cls.recipient.ids)],
                "frequency": "weekly",
                "next_date": fields.Datetime.now() - timedelta(hours=1),
            }
        )

    def test_cron_sends_due_report(self):
        due = self.schedule.next_date
        self.env.ref(
            "stock_analytics.ir_cron_stock_analytics_schedule"
        ).method_direct_trigger()
        message = self.schedule.message_ids.filtered(lambda m: m.attachment_ids)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.partner_ids, self.recipient.partner_id)
        mails = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertEqual(mails.recipient_ids, self.recipient.partner_id)
        book = openpyxl.load_workbook(BytesIO(message.attachment_ids.raw))
        sheet = book["Dead Stock"]
        self.assertEqual(sheet["A2"].value, self.product_std.display_name)
        self.assertEqual(sheet["D2"].value, 6)
        self.assertEqual(self.schedule.next_date, due + timedelta(weeks=1))

    def test_not_due_is_not_sent(self):
        self.schedule.next_date = fields.Datetime.now() + timedelta(days=1)
        self.env["stock.analytics.schedule"]._cron_send_due()
        self.assertFalse(self.schedule.message_ids.filtered(lambda m: m.attachment_ids))

    def test_failing_schedule_does_not_block_others(self):
        """A schedule failing after it posted (a mail or report outage) is
        rolled back, logged and kept due; the others are still sent."""
        failing = self.schedule.copy(
            {"name": "Failing", "next_date": self.schedule.next_date}
        )
        Schedule = type(self.env["stock.analytics.schedule"])
        send_report = Schedule._send_report

        def send_or_fail(schedule):
            result = send_report(schedule)
            if schedule == failing:
                raise ConnectionRefusedError("SMTP server down")
            return result

        logger = "odoo.addons.stock_analytics.models.stock_analytics_schedule"
        with (
            patch.object(Schedule, "_send_report", send_or_fail),
            self.assertLogs(logger, level="ERROR") as logs,
        ):
            self.env["stock.analytics.schedule"]._cron_send_due()
        self.assertIn("Failing", logs.output[0])
        self.assertTrue(self.schedule.message_ids.filtered("attachment_ids"))
        self.assertFalse(failing.message_ids.filtered("attachment_ids"))
        self.assertLess(failing.next_date, fields.Datetime.now())
        self.assertGreater(self.schedule.next_date, fields.Datetime.now())
