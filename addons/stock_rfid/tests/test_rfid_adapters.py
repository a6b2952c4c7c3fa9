import base64
import json

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.stock_rfid.lib import adapters

from .common import RfidCommon


def impinj_event(epc_hex, port=1, cdbm=-5400, seen="2025-03-01T10:00:03.453837016Z"):
    return {
        "timestamp": seen,
        "hostname": "impinj-13-f4-d8",
        "eventType": "tagInventory",
        "tagInventoryEvent": {
            "epcHex": epc_hex,
            "antennaPort": port,
            "antennaName": str(port),
            "peakRssiCdbm": cdbm,
            "transmitPowerCbm": 3000,
            "lastSeenTime": seen,
        },
    }


def zebra_event(epc_hex, antenna=1, rssi=-52, seen="2025-03-01T10:00:55.384+0000"):
    return {
        "data": {
            "eventNum": 1,
            "format": "epc",
            "idHex": epc_hex,
            "antenna": antenna,
            "peakRssi": rssi,
            "reads": 2,
        },
        "timestamp": seen,
        "type": "SIMPLE",
    }


@tagged("post_install", "-at_install")
class TestRfidAdapters(HttpCase, RfidCommon):
    def _post(self, vendor, body, headers=None):
        headers = headers or {"Authorization": f"Bearer {self.api_key}"}
        with mute_logger("odoo.addons.stock_rfid.controllers.gateway"):
            response = self.url_open(
                f"/rfid/v1/{vendor}/reads",
                data=body,
                headers={"Content-Type": "application/json", **headers},
            )
        self.env.invalidate_all()
        return response

    def test_impinj_events(self):
        events = [
            impinj_event(self.epc_product, port=1, cdbm=-5400),
            impinj_event(self.epc_product, port=1, cdbm=-4850),
            {"eventType": "antennaConnected", "antennaConnectedEvent": {"port": 2}},
            impinj_event("30", port=2),
        ]
        response = self._post("impinj", json.dumps(events))
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual((body["accepted"], body["duplicates"]), (1, 1))
        self.assertEqual(
            body["invalid"], [{"index": 2, "epc": "30", "error": "too_short"}]
        )
        tag = self._tag(self.epc_product)
        self.assertEqual(tag.last_antenna_id, self.antenna_1)
        self.assertEqual(tag.location_id, self.shelf)
        self.assertEqual(tag.read_ids.rssi_dbm, -48.5)
        self.assertEqual(str(tag.last_seen), "2025-03-01 10:00:03")
        self.assertEqual(tag.read_ids.batch_id.reader_id, self.reader)

    def test_zebra_array_and_ndjson(self):
        events = [zebra_event(self.epc_product, antenna=2, rssi=-61)]
        response = self._post("zebra", json.dumps(events))
        self.assertEqual(response.json()["accepted"], 1)
        read = self._tag(self.epc_product).read_ids
        self.assertEqual(
            (read.antenna_id, read.location_id), (self.antenna_2, self.dock)
        )
        self.assertEqual((read.rssi_dbm, read.read_count), (-61, 2))
        self.assertEqual(str(read.last_seen), "2025-03-01 10:00:55")
        ndjson = "\n".join(
            json.dumps(zebra_event(epc_hex, seen="2025-03-01T11:00:00.000+0000"))
            for epc_hex in (self.epc_unknown, self.epc_other_serial)
        )
        response = self._post("zebra", ndjson)
        self.assertEqual(response.json()["accepted"], 2)
        self.assertTrue(self._tag(self.epc_unknown).unmatched)

    def test_retried_native_post_is_idempotent(self):
        body = json.dumps([impinj_event(self.epc_product)])
        first = self._post("impinj", body).json()
        second = self._post("impinj", body).json()
        self.assertEqual(second, first)
        self.assertEqual(
            first["batch_id"], adapters.derive_batch_id("reader-dock-1", body)
        )
        self.assertEqual(len(self._tag(self.epc_product).read_ids), 1)
        batches = self.env["stock.rfid.read.batch"].search(
            [("batch_id", "=", first["batch_id"])]
        )
        self.assertEqual(len(batches), 1)

    def test_basic_authentication_and_errors(self):
        credentials = base64.b64encode(f"reader:{self.api_key}".encode()).decode()
        body = json.dumps([zebra_event(self.epc_product)])
        response = self._post("zebra", body, {"Authorization": f"Basic {credentials}"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            self._post("zebra", body, {"X-Api-Key": "x" * 40}).status_code, 403
        )
        self.assertEqual(self._post("impinj", body, {"X-Other": "1"}).status_code, 401)
        response = self._post("impinj", "{not json")
        self.assertEqual(
            (response.status_code, response.json()["error"]), (400, "invalid_json")
        )
        response = self._post("impinj", json.dumps([impinj_event("30")] * 5001))
        self.assertEqual(response.status_code, 413)

    def test_status_events_only(self):
        body = json.dumps({"eventType": "inventoryStatus", "inventoryStatusEvent": {}})
        response = self._post("impinj", body)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["accepted"], 0)
        self.assertFalse(self.env["stock.rfid.read.batch"].search([]))
