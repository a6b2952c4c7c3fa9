import uuid
from functools import partial

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import sgtin


@tagged("post_install", "-at_install")
class TestRfidConcurrency(TransactionCase):
    """Two requests of one batch in concurrent transactions: the second one
    gets the first one's answer, not a unique violation."""

    def setUp(self):
        super().setUp()
        self.epc_hex = sgtin("012345", str(uuid.uuid4().int % 10**9))
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            reader = env["stock.rfid.reader"].create(
                {"name": "Concurrent", "identifier": f"conc-{uuid.uuid4()}"}
            )
            self.reader_id, self.identifier = reader.id, reader.identifier
        self.addCleanup(self._clean_up)
        self.envs = [
            api.Environment(self.env.registry.cursor(), SUPERUSER_ID, {})
            for _index in range(2)
        ]

    def _clean_up(self):
        for env in self.envs:
            env.cr.close()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            reader = env["stock.rfid.reader"].browse(self.reader_id)
            batches = env["stock.rfid.read.batch"].search(
                [("reader_id", "=", reader.id)]
            )
            env["stock.rfid.read"].search([("batch_id", "in", batches.ids)]).unlink()
            batches.exception_ids.unlink()
            batches.unlink()
            env["stock.rfid.tag"].search([("epc", "=", self.epc_hex)]).unlink()
            reader.unlink()

    def _ingest(self, env, payload):
        reader = env["stock.rfid.reader"].browse(self.reader_id)
        return reader._ingest_payload(payload)

    def _payload(self, reads):
        return {
            "schema": "rfid-read-batch/1",
            "batch_id": str(uuid.uuid4()),
            "reader": {"id": self.identifier},
            "sent_at": "2025-03-01T10:00:30Z",
            "reads": reads,
        }

    def test_same_batch_in_two_transactions(self):
        """The later insert of the batch is a serialization failure, which
        Odoo retries (no unique violation, which it would not), and the
        retry answers with the first response."""
        payload = self._payload([{"epc": self.epc_hex}, {"epc": "XYZ"}])
        env_1, env_2 = self.envs
        env_1.cr.execute("SELECT 1")  # its snapshot predates the other commit
        first = self._ingest(env_2, payload)
        env_2.cr.commit()
        with self.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
            self._ingest(env_1, payload)
        env_1.cr.rollback()  # as Odoo does before it retries
        second = self._ingest(env_1, payload)
        env_1.cr.commit()
        self.assertEqual(second, first)
        self.assertEqual(first["accepted"], 1)
        batches = self.envs[0]["stock.rfid.read.batch"].search(
            [("reader_id", "=", self.reader_id)]
        )
        self.assertEqual(len(batches), 1)
        self.assertEqual(batches.exception_ids.mapped("epc"), ["XYZ"])
        tags = self.envs[0]["stock.rfid.tag"].search([("epc", "=", self.epc_hex)])
        self.assertEqual(len(tags.read_ids), 1)

    def test_same_new_tag_in_two_transactions(self):
        """Two batches first seeing one EPC: the later insert of the tag is
        a serialization failure, which Odoo retries (no unique violation,
        which it would not), and the retry finds the tag."""
        env_1, env_2 = self.envs
        env_1.cr.execute("SELECT 1")  # its snapshot predates the other commit
        first = self._ingest(env_2, self._payload([{"epc": self.epc_hex}]))
        env_2.cr.commit()
        ingest = partial(self._ingest, env_1, self._payload([{"epc": self.epc_hex}]))
        with mute_logger("odoo.sql_db", "odoo.service.model"):
            second = retrying(ingest, env_1)
        env_1.cr.commit()
        self.assertEqual((first["accepted"], second["accepted"]), (1, 0))
        tags = env_1["stock.rfid.tag"].search([("epc", "=", self.epc_hex)])
        self.assertEqual(len(tags), 1)
        self.assertEqual(tags.read_ids.read_count, 2)
