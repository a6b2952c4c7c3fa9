import uuid

from odoo import api
from odoo.tests import TransactionCase, tagged

from .http_receiver import HttpReceiver

SECRET = "a-secret-for-two-workers"


@tagged("post_install", "-at_install")
class TestWebhookDeliveryLock(TransactionCase):
    """Two workers of the delivery job, each on its own cursor as two cron
    threads would be, never post the same delivery."""

    def setUp(self):
        super().setUp()
        self.receiver = HttpReceiver(SECRET).__enter__()
        self.addCleanup(self.receiver.__exit__, None, None, None)
        # the workers see committed rows only: commit the data, drop it after
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            webhook = env["stock.threshold.webhook"].create(
                {
                    "name": "Two workers",
                    "url": self.receiver.url,
                    "secret_input": SECRET,
                }
            )
            env["stock.threshold.webhook.delivery"].create(
                [
                    {
                        "webhook_id": webhook.id,
                        "event": "opened",
                        "uuid": str(uuid.uuid4()),
                        "payload": f'{{"n": {n}}}',
                    }
                    for n in range(2)
                ]
            )
            self.webhook_id = webhook.id
        self.addCleanup(self._drop_data)
        # deliveries of other tests or of the database stay out of reach
        blocker, _env = self._worker()
        blocker.execute(
            "SELECT id FROM stock_threshold_webhook_delivery "
            "WHERE webhook_id != %s FOR UPDATE",
            [self.webhook_id],
        )

    def _drop_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["stock.threshold.webhook"].browse(self.webhook_id).unlink()

    def _worker(self):
        cr = self.registry.cursor()
        self.addCleanup(cr.close)
        # a worker that waited on another's lock would fail, not hang
        cr.execute("SET LOCAL lock_timeout = '5s'")
        return cr, api.Environment(cr, api.SUPERUSER_ID, {})

    def _deliver(self, env, **kwargs):
        return env["stock.threshold.webhook.delivery"]._cron_deliver(**kwargs)

    def test_two_workers_post_each_delivery_once(self):
        cr_a, env_a = self._worker()
        cr_b, env_b = self._worker()
        first = self._deliver(env_a, limit=1)
        self.assertEqual(len(first), 1)
        # A has posted its delivery but not committed yet: B skips it
        second = self._deliver(env_b)
        self.assertEqual(len(second), 1)
        self.assertNotEqual(first, second)
        cr_a.commit()
        cr_b.commit()
        _cr_c, env_c = self._worker()
        self.assertFalse(self._deliver(env_c), "nothing left to post")
        self.assertEqual(len(self.receiver.requests), 2)
        keys = {r["headers"]["Idempotency-Key"] for r in self.receiver.requests}
        self.assertEqual(len(keys), 2, "each delivery posted once")
        states = env_c["stock.threshold.webhook.delivery"].search(
            [("webhook_id", "=", self.webhook_id)]
        )
        self.assertEqual(states.mapped("state"), ["sent", "sent"])

    def test_locked_until_the_outcome_is_committed(self):
        cr_a, env_a = self._worker()
        _cr_b, env_b = self._worker()
        self.assertEqual(len(self._deliver(env_a)), 2)
        self.assertFalse(self._deliver(env_b), "both are locked by A")
        cr_a.commit()
        self.assertFalse(self._deliver(env_b), "sent by A meanwhile")
        self.assertEqual(len(self.receiver.requests), 2)
