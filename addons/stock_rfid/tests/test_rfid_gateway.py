import json
import xmlrpc.client
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.stock_rfid.controllers import gateway
from odoo.addons.stock_rfid.lib import read_batch

from .common import RfidCommon

URL = "/rfid/v1/reads"


@tagged("post_install", "-at_install")
class TestRfidGateway(HttpCase, RfidCommon):
    def _post(
        self,
        payload,
        key=None,
        header="Authorization",
        raw=None,
        content_type="application/json",
    ):
        headers = {"Content-Type": content_type}
        key = self.api_key if key is None else key
        if key and header == "Authorization":
            headers["Authorization"] = f"Bearer {key}"
        elif key:
            headers[header] = key
        data = raw if raw is not None else json.dumps(payload)
        with mute_logger("odoo.addons.stock_rfid.controllers.gateway"):
            response = self.url_open(URL, data=data, headers=headers)
        self.env.invalidate_all()
        return response

    def test_accepted_with_counts(self):
        payload = self._payload(
            [self.epc_product, self.epc_product, self.epc_unknown, "XYZ"]
        )
        response = self._post(payload)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(),
            {
                "batch_id": payload["batch_id"],
                "accepted": 2,
                "duplicates": 1,
                "invalid": [{"index": 3, "epc": "XYZ", "error": "invalid_hex"}],
            },
        )
        tag = self._tag(self.epc_product)
        self.assertEqual(tag.product_id, self.product)
        self.assertEqual(tag.last_reader_id, self.reader)
        exception = self.env["stock.rfid.read.exception"].search([("epc", "=", "XYZ")])
        self.assertEqual((exception.index, exception.error_code), (3, "invalid_hex"))

    def test_reader_of_another_company(self):
        company_b = self.env["res.company"].create({"name": "RFID Gateway B"})
        reader_b = self.env["stock.rfid.reader"].create(
            {"name": "B door", "identifier": "reader-b", "company_id": company_b.id}
        )
        key = reader_b.action_generate_api_key()["context"]["default_key"]
        response = self._post(self._payload([self.epc_product], reader_b), key=key)
        self.assertEqual(response.json()["accepted"], 1)
        tag = self._tag(self.epc_product)
        self.assertEqual(tag.company_id, company_b)
        self.assertEqual(tag.product_id, self.product)  # a product of no company
        self.assertEqual(tag.last_reader_id, reader_b)
        self.assertEqual(tag.read_ids.company_id, company_b)

    def test_x_api_key_header(self):
        response = self._post(self._payload([self.epc_product]), header="X-Api-Key")
        self.assertEqual(response.status_code, 200)

    def test_missing_key_is_401(self):
        response = self._post(self._payload([self.epc_product]), key="")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["error"], "missing_api_key")

    def test_wrong_key_inactive_reader_or_other_reader_is_403(self):
        payload = self._payload([self.epc_product])
        self.assertEqual(self._post(payload, key="x" * 43).status_code, 403)
        other = self.reader.copy({"identifier": "reader-2"})
        other_key = other.action_generate_api_key()["context"]["default_key"]
        response = self._post(payload, key=other_key)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["error"], "wrong_reader")
        self.reader.active = False
        self.assertEqual(self._post(payload).status_code, 403)
        self.assertFalse(self._tag(self.epc_product))

    def test_wrong_reader_is_a_batch_error_raised_before_any_write(self):
        other = self.reader.copy({"identifier": "reader-2"})
        payload = self._payload([self.epc_product], reader=other)
        with self.assertRaises(read_batch.BatchError) as caught:
            self.reader._ingest_payload(payload)
        error = caught.exception
        self.assertEqual((error.status, error.code), (403, "wrong_reader"))
        self.assertFalse(
            self.env["stock.rfid.read.batch"].search(
                [("batch_id", "=", payload["batch_id"])]
            )
        )

    def test_unexpected_error_rolls_back_the_batch(self):
        failure = UserError(self.reader.name)  # raised after the batch row is written

        def fail(*args, **kwargs):
            raise failure

        Batch = self.env["stock.rfid.read.batch"]
        payload = self._payload([self.epc_product])
        with patch.object(type(Batch), "_fill_portals", fail):
            response = self._post(payload)
        self.assertEqual(response.status_code, 422)
        self.assertEqual(
            response.json(), {"error": "rejected_batch", "message": self.reader.name}
        )
        self.assertFalse(Batch.search([("batch_id", "=", payload["batch_id"])]))
        with patch.object(type(Batch), "_fill_portals", lambda *args: 1 / 0):
            response = self._post(payload)
        self.assertEqual(response.status_code, 500)
        self.assertEqual(response.json()["error"], "internal_error")
        self.assertFalse(Batch.search([("batch_id", "=", payload["batch_id"])]))
        self.assertFalse(self._tag(self.epc_product))
        retry = self._post(payload)
        self.assertEqual(retry.status_code, 200)
        self.assertEqual(retry.json()["accepted"], 1)

    def test_bad_requests_are_400(self):
        response = self._post(None, raw="{not json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"], "invalid_json")
        payload = {**self._payload([self.epc_product]), "schema": "other/1"}
        response = self._post(payload)
        self.assertEqual(
            (response.status_code, response.json()["error"]), (400, "invalid_schema")
        )
        response = self._post(self._payload([{"rssi_dbm": -50}]))
        self.assertEqual(
            (response.status_code, response.json()["error"]), (400, "missing_epc")
        )
        self.assertIn("reads[0]", response.json()["message"])
        response = self._post(self._payload([]))
        self.assertEqual(response.status_code, 400)

    def assertJsonError(self, response, status, error):
        self.assertEqual(response.status_code, status)
        self.assertEqual(response.headers["Content-Type"][:16], "application/json")
        body = response.json()
        self.assertEqual(body["error"], error)
        self.assertTrue(body["message"])

    def test_malformed_bodies_are_json_400(self):
        for raw in ("[" * 100000, b"\xff\xfe\xfd", " ", "[]", '"reads"'):
            response = self._post(None, raw=raw)
            self.assertEqual(response.status_code, 400, raw[:10])
            self.assertIn(response.json()["error"], ("invalid_json", "invalid_payload"))
        for raw in ("[" * 100000, b"\xff\xfe\xfd"):
            with mute_logger("odoo.addons.stock_rfid.controllers.gateway"):
                response = self.url_open(
                    "/rfid/v1/zebra/reads",
                    data=raw,
                    headers={"X-Api-Key": self.api_key},
                )
            self.assertJsonError(response, 400, "invalid_json")

    def test_wrong_method_type_path_and_size_are_json(self):
        payload = self._payload([self.epc_product])
        for content_type in ("text/html", "application/x-www-form-urlencoded"):
            self.assertJsonError(
                self._post(payload, content_type=content_type),
                415,
                "unsupported_media_type",
            )
        response = self._post(payload, content_type="application/json; charset=utf-8")
        self.assertEqual(response.status_code, 200)
        with mute_logger("odoo.addons.stock_rfid.controllers.gateway"):
            response = self.url_open(URL)
            self.assertJsonError(response, 405, "method_not_allowed")
            self.assertEqual(response.headers["Allow"], "POST")
            response = self.url_open("/rfid/v1/unknown", data="{}")
            self.assertJsonError(response, 404, "not_found")
        with patch.object(gateway, "MAX_BODY_BYTES", 100):
            response = self._post(payload)
        self.assertJsonError(response, 413, "payload_too_large")
        self.assertJsonError(self._post(payload, key=""), 401, "missing_api_key")
        self.assertJsonError(self._post(payload, key="x" * 43), 403, "invalid_api_key")

    def test_too_many_reads_is_413(self):
        response = self._post(self._payload([self.epc_product] * 5001))
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response.json()["error"], "too_many_reads")
        response = self._post(self._payload([self.epc_product] * 5000))
        self.assertEqual(response.json()["duplicates"], 4999)

    def test_retry_is_idempotent(self):
        payload = self._payload([self.epc_product, "XYZ"])
        first = self._post(payload).json()
        reads = self.env["stock.rfid.read"].search([])
        row = reads.filtered(lambda r: r.epc == self.epc_product)
        second = self._post(payload)
        self.assertEqual(second.status_code, 200)
        self.assertEqual(second.json(), first)
        self.assertEqual(self.env["stock.rfid.read"].search([]), reads)
        self.assertEqual(row.read_count, 1)
        self.assertEqual(
            self.env["stock.rfid.read.exception"].search_count([("epc", "=", "XYZ")]), 1
        )

    def _rfid_user(self):
        user = self.env["res.users"].create(
            {
                "name": "RFID RPC user",
                "login": "rfid_rpc_user",
                "password": "rfid_rpc_user_pw",
                "groups_id": [(6, 0, [self.env.ref("stock.group_stock_user").id])],
            }
        )
        return user.id, "rfid_rpc_user_pw"

    def test_ingest_batch_over_jsonrpc(self):
        uid, password = self._rfid_user()
        payload = self._payload([self.epc_product, self.epc_unknown])
        request = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    self.env.cr.dbname,
                    uid,
                    password,
                    "stock.rfid.reader",
                    "ingest_batch",
                    [[self.reader.id], payload],
                    {},
                ],
            },
        }
        response = self.url_open(
            "/jsonrpc",
            data=json.dumps(request),
            headers={"Content-Type": "application/json"},
        )
        result = response.json()["result"]
        self.assertEqual(result["accepted"], 2)
        self.assertEqual(result["batch_id"], payload["batch_id"])
        self.assertTrue(self._tag(self.epc_unknown))

    def test_ingest_batch_over_xmlrpc(self):
        uid, password = self._rfid_user()
        models = xmlrpc.client.ServerProxy(f"{self.base_url()}/xmlrpc/2/object")
        payload = self._payload(["XYZ"])
        result = models.execute_kw(
            self.env.cr.dbname,
            uid,
            password,
            "stock.rfid.reader",
            "ingest_batch",
            [[self.reader.id], payload],
        )
        self.assertEqual(result["accepted"], 0)
        self.assertEqual(result["invalid"][0]["error"], "invalid_hex")
