import base64
import binascii
import json
import logging

from odoo import SUPERUSER_ID, http
from odoo.http import request

from ..lib import adapters, read_batch

_logger = logging.getLogger(__name__)

ROUTE_OPTIONS = {
    "type": "http",
    "auth": "none",
    "methods": ["POST"],
    "csrf": False,
    "readonly": False,
    "save_session": False,
}


class RfidGateway(http.Controller):
    """Reader gateway: thin, it parses, authenticates the reader by its API
    key and delegates the batch to stock.rfid.reader._ingest_payload."""

    @http.route("/rfid/v1/reads", **ROUTE_OPTIONS)
    def post_reads(self):
        """Ingest a batch of reads (schema rfid-read-batch/1) posted by a
        reader with its key in ``Authorization: Bearer`` or ``X-Api-Key``."""
        reader, error = self._authenticate()
        if error:
            return error
        try:
            payload = json.loads(request.httprequest.get_data())
        except ValueError as parse_error:
            return self._error(400, "invalid_json", str(parse_error))
        return self._ingest(reader, payload)

    @http.route(["/rfid/v1/impinj/reads", "/rfid/v1/zebra/reads"], **ROUTE_OPTIONS)
    def post_native_reads(self):
        """Ingest the native JSON of an Impinj IoT device interface webhook
        or of a Zebra IoT Connector HTTP endpoint, converted to the neutral
        batch (its batch_id derived from the body, so retries are
        idempotent)."""
        reader, error = self._authenticate()
        if error:
            return error
        vendor = request.httprequest.path.split("/")[3]
        body = request.httprequest.get_data()
        try:
            payload = adapters.ADAPTERS[vendor](reader.identifier, body)
        except read_batch.BatchError as batch_error:
            return self._error(
                batch_error.status, batch_error.code, batch_error.message
            )
        if not payload["reads"]:
            return request.make_json_response(
                {
                    "batch_id": payload["batch_id"],
                    "accepted": 0,
                    "duplicates": 0,
                    "invalid": [],
                }
            )
        return self._ingest(reader, payload)

    def _authenticate(self):
        """(reader, None), or (None, the 401 or 403 response)."""
        key = self._get_api_key()
        if not key:
            return None, self._error(401, "missing_api_key", "An API key is required.")
        env = request.env(user=SUPERUSER_ID, su=True)
        reader = env["stock.rfid.reader"]._authenticate(key)
        if not reader:
            return None, self._error(403, "invalid_api_key", "Unknown or inactive key.")
        return reader, None

    def _ingest(self, reader, payload):
        """The response to ``payload``: its body, or the error of a batch
        that cannot be ingested (raised before any write). Any other error
        propagates, so that the request's transaction is rolled back."""
        try:
            body = reader._ingest_payload(payload)
        except read_batch.BatchError as error:
            return self._error(error.status, error.code, error.message)
        return request.make_json_response(body)

    def _get_api_key(self):
        """The key of ``Authorization: Bearer <key>``, of ``Authorization:
        Basic`` (the password: readers' webhooks often only offer basic
        authentication), else of X-Api-Key."""
        headers = request.httprequest.headers
        scheme, _sep, token = headers.get("Authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() == "bearer" and token:
            return token
        if scheme.lower() == "basic" and token:
            try:
                credentials = base64.b64decode(token, validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                return ""
            return credentials.partition(":")[2]
        return headers.get("X-Api-Key", "").strip()

    def _error(self, status, code, message):
        _logger.info("RFID gateway: %s %s: %s", status, code, message)
        return request.make_json_response(
            {"error": code, "message": message}, status=status
        )
