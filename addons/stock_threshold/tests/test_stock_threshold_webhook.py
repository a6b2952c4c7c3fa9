import json
import socket
from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..tools import webhook as webhook_tools
from .common import ThresholdCommon
from .http_receiver import HttpReceiver

SECRET = "s3cret-shared-with-the-receiver"


@tagged("post_install", "-at_install")
class TestThresholdWebhook(ThresholdCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.webhook = cls.env["stock.threshold.webhook"].create(
            {
                "name": "Purchasing",
                "url": "http://127.0.0.1:9/unused",
                "secret_input": SECRET,
                "timeout": 0.5,
            }
        )
        cls.Delivery = cls.env["stock.threshold.webhook.delivery"]
        cls.cron = cls.env.ref(
            "stock_threshold.ir_cron_stock_threshold_webhook_deliver"
        )

    def _deliveries(self, webhook=None):
        return self.Delivery.search(
            [("webhook_id", "=", (webhook or self.webhook).id)], order="id"
        )

    def _make_due(self, deliveries):
        deliveries.write({"next_try_at": fields.Datetime.now() - timedelta(seconds=1)})

    def test_queued_in_the_transaction_then_delivered_signed(self):
        with HttpReceiver(SECRET) as receiver:
            self.webhook.url = receiver.url
            self._create_rule()
            delivery = self._deliveries()
            self.assertEqual(len(delivery), 1)
            self.assertEqual((delivery.event, delivery.state), ("opened", "pending"))
            self.assertFalse(receiver.requests, "no HTTP in the stock transaction")
            triggers = self.env["ir.cron.trigger"].search(
                [("cron_id", "=", self.cron.id)]
            )
            self.assertTrue(triggers, "the delivery job runs right after commit")
            self.Delivery._cron_deliver()
        self.assertEqual(len(receiver.requests), 1)
        request = receiver.requests[0]
        self.assertTrue(request["verified"], "HMAC-SHA256 over timestamp.body")
        self.assertEqual(request["headers"]["Idempotency-Key"], delivery.uuid)
        self.assertEqual(request["headers"]["X-Stock-Alert-Event"], "opened")
        body = json.loads(request["body"])
        self.assertEqual(body["id"], delivery.uuid)
        self.assertEqual(body["event"], "opened")
        self.assertEqual(body["alert"]["kind"], "out_of_stock")
        self.assertEqual(body["alert"]["product"]["id"], self.product.id)
        self.assertEqual(body["alert"]["warehouse"]["code"], "THA")
        self.assertEqual(delivery.state, "sent")
        self.assertEqual((delivery.response_code, delivery.attempt_count), (200, 1))

    def test_retried_with_backoff_after_a_server_error(self):
        with HttpReceiver(SECRET, codes=[500]) as receiver:
            self.webhook.url = receiver.url
            self._create_rule()
            delivery = self._deliveries()
            before = fields.Datetime.now()
            self.Delivery._cron_deliver()
            self.assertEqual(delivery.state, "pending")
            self.assertEqual((delivery.response_code, delivery.attempt_count), (500, 1))
            self.assertIn("HTTP 500", delivery.last_error)
            wait = (delivery.next_try_at - before).total_seconds()
            self.assertTrue(59 <= wait <= 62, wait)
            retry = self.env["ir.cron.trigger"].search(
                [("cron_id", "=", self.cron.id), ("call_at", "=", delivery.next_try_at)]
            )
            self.assertTrue(retry, "the job is scheduled for the retry")
            self.Delivery._cron_deliver()
            self.assertEqual(len(receiver.requests), 1, "not due yet")
            self._make_due(delivery)
            self.Delivery._cron_deliver()
        self.assertEqual(delivery.state, "sent")
        self.assertEqual((delivery.response_code, delivery.attempt_count), (200, 2))
        keys = {request["headers"]["Idempotency-Key"] for request in receiver.requests}
        self.assertEqual(keys, {delivery.uuid}, "same idempotency key on retry")
        self.assertTrue(all(request["verified"] for request in receiver.requests))

    def test_given_up(self):
        self.webhook.max_attempts = 2
        with HttpReceiver(SECRET, codes=[410, 503, 503]) as receiver:
            self.webhook.url = receiver.url
            self._create_rule()
            self._create_rule(product_id=self.product_2.id)
            refused, failing = self._deliveries()
            self.Delivery._cron_deliver()
            self.assertEqual(refused.state, "failed", "a 4xx is not retried")
            self.assertEqual(failing.state, "pending")
            self._make_due(failing)
            self.Delivery._cron_deliver()
        self.assertEqual(failing.state, "failed")
        self.assertEqual((failing.response_code, failing.attempt_count), (503, 2))
        self.assertEqual(len(receiver.requests), 3)
        failing.action_retry()
        self.assertEqual((failing.state, failing.attempt_count), ("pending", 0))

    def test_slow_or_failing_endpoint_never_breaks_a_picking(self):
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{closed.getsockname()[1]}/hook"
        closed.close()
        dead = self.webhook.copy(
            {"name": "Dead", "url": dead_url, "secret_input": SECRET}
        )
        with HttpReceiver(SECRET, delay=1) as receiver:
            self.webhook.write({"url": receiver.url, "timeout": 0.2})
            self._create_rule()
            alert = self.env["stock.threshold.alert"].search(
                [("product_id", "=", self.product.id)]
            )
            picking = self._validate(
                self._receipt(self.wh_a, [(self.product, 50, None)])
            )
            self.assertEqual(picking.state, "done")
            self.assertEqual(alert.state, "resolved")
            self.assertEqual(self._deliveries().mapped("event"), ["opened", "resolved"])
            self.assertFalse(receiver.requests, "the picking posted nothing")
            self.Delivery._cron_deliver()
            self.assertEqual(len(receiver.requests), 2)
        for delivery in self._deliveries() | self._deliveries(dead):
            self.assertEqual(delivery.state, "pending")
            self.assertEqual((delivery.response_code, delivery.attempt_count), (0, 1))
        self.assertIn("Timeout", self._deliveries()[0].last_error)
        self.assertIn("ConnectionError", self._deliveries(dead)[0].last_error)

    def test_events_companies_and_channels(self):
        self.webhook.event_opened = False
        company_b = self.env["res.company"].create({"name": "Webhook Co B"})
        other = self.env["stock.threshold.webhook"].create(
            {
                "name": "Other company",
                "url": "http://127.0.0.1:9/other",
                "secret_input": SECRET,
                "company_id": company_b.id,
            }
        )
        self._add_stock(self.product, self.wh_a.lot_stock_id, 8)
        self._create_rule()
        self.assertFalse(self._deliveries(), "opened is not subscribed")
        self._validate(self._delivery(self.wh_a, [(self.product, 4, None)]))
        self.assertEqual(self._deliveries().event, "escalated")
        self.assertFalse(self._deliveries(other))
        self._create_rule(
            product_id=self.product_2.id,
            alert_channels="custom",
            alert_webhook=False,
        )
        self.webhook.event_opened = True
        self._validate(self._receipt(self.wh_a, [(self.product_2, 500, None)]))
        self.assertEqual(self._deliveries().mapped("event"), ["escalated"])

    def test_secret_is_write_only(self):
        self.assertFalse(self.webhook.secret_input)
        self.assertTrue(self.webhook.has_secret)
        self.assertEqual(self.webhook.secret, SECRET)
        self.webhook.secret_input = "another-secret-of-24-chars"
        self.assertEqual(self.webhook.secret, "another-secret-of-24-chars")
        with self.assertRaises(ValidationError):
            self.webhook.secret_input = "short"
        with self.assertRaises(ValidationError):
            self.webhook.url = "ftp://example.com/hook"
        with self.assertRaises(ValidationError):
            self.webhook.create({"name": "No secret", "url": "https://example.com"})

    def test_signature_scheme(self):
        body = b'{"id": "x"}'
        self.assertEqual(
            webhook_tools.sign("key", 1700000000, body),
            "c736d52f5f17edc755839ecea298c055dfce0f6f6cbf4bffc916a8a6f71d13dc",
        )
        signature = "sha256=" + webhook_tools.sign("key", 1700000000, body)
        self.assertTrue(webhook_tools.verify("key", 1700000000, body, signature))
        self.assertFalse(webhook_tools.verify("key", 1700000001, body, signature))
        self.assertFalse(
            webhook_tools.verify("key", 1700000000, body + b" ", signature)
        )
        self.assertEqual(
            [webhook_tools.get_backoff(n) for n in (1, 2, 3, 30)], [60, 120, 240, 21600]
        )
        self.assertTrue(webhook_tools.is_retryable(0))
        self.assertTrue(webhook_tools.is_retryable(429))
        self.assertFalse(webhook_tools.is_retryable(404))

    def test_log_cleanup_keeps_what_can_still_be_sent(self):
        other = self.webhook.copy({"name": "Archived", "secret_input": SECRET})
        self._create_rule()
        kept, dropped = self._deliveries(), self._deliveries(other)
        self.assertEqual((kept.state, dropped.state), ("pending", "pending"))
        other.active = False
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE stock_threshold_webhook_delivery "
            "SET write_date = now() - interval '1 year' WHERE id IN %s",
            [tuple((kept | dropped).ids)],
        )
        self.Delivery._gc_delivery_log()
        self.assertTrue(kept.exists(), "pending on an active webhook: still due")
        self.assertFalse(dropped.exists(), "pending on an archived one: never sent")
