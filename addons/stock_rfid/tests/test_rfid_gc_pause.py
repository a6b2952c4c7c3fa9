import gc
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.stock_rfid.lib import gc_pause, read_batch

from .common import RfidCommon


@tagged("post_install", "-at_install")
class TestRfidGcPause(RfidCommon):
    def setUp(self):
        super().setUp()
        self.addCleanup(gc.enable if gc.isenabled() else gc.disable)

    def test_paused_within_and_resumed_after_the_last_block(self):
        gc.enable()
        with gc_pause.paused():
            self.assertFalse(gc.isenabled())
            with gc_pause.paused():
                self.assertFalse(gc.isenabled())
            self.assertFalse(gc.isenabled())
        self.assertTrue(gc.isenabled())

    def test_not_resumed_when_disabled_before(self):
        gc.disable()
        with gc_pause.paused():
            pass
        self.assertFalse(gc.isenabled())

    def test_resumed_after_an_error(self):
        gc.enable()
        with self.assertRaises(ValueError), gc_pause.paused():
            raise ValueError("batch")
        self.assertTrue(gc.isenabled())

    def test_batch_ingested_with_collector_paused(self):
        gc.enable()
        states = []
        original_parse = read_batch.parse

        def parse(payload):
            states.append(gc.isenabled())
            return original_parse(payload)

        with patch.object(read_batch, "parse", side_effect=parse):
            response = self.reader.ingest_batch(self._payload([self.epc_product]))
        self.assertEqual((response["accepted"], states), (1, [False]))
        self.assertTrue(gc.isenabled())
