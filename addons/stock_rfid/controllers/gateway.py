import json
import logging

from odoo import SUPERUSER_ID, http
from odoo.exceptions import UserError
from odoo.http import request

from ..lib import read_batch

_logger = logging.getLogger(__name__)


class RfidGateway(http.Controller):
    """Reader gateway: thin, it parses, authenticates the reader by its API
    key and delegates the batch to stock.rfid.reader._ingest_payload."""

    @http.route(
        "/rfid/v1/reads",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        readonly=False,
        save_session=False,
    )
    def post_reads(self):
        """Ingest a batch of reads (schema rfid-read-batch/1) posted by a
        reader with its key in ``Authorization: Bearer`` or ``X-Api-Key``."""
        key = self._get_api_key()
        if not key:
            return self._error(401, "missing_api_key", "An API key is required.")
        env = request.env(user=SUPERUSER_ID, su=True)
        reader = env["stock.rfid.reader"]._authenticate(key)
        if not reader:
            return self._error(403, "invalid_api_key", "Unknown or inactive key.")
        try:
            payload = json.loads(request.httprequest.get_data())
        except ValueError as error:
            return self._error(400, "invalid_json", str(error))
        try:
            body = reader._ingest_payload(payload)
        except read_batch.BatchError as error:
            return self._error(error.status, error.code, error.message)
        except UserError as error:
            return self._error(403, "wrong_reader", error.args[0])
        return request.make_json_response(body)

    def _get_api_key(self):
        """The key of ``Authorization: Bearer <key>``, else of X-Api-Key."""
        headers = request.httprequest.headers
        scheme, _sep, token = headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
        return headers.get("X-Api-Key", "").strip()

    def _error(self, status, code, message):
        _logger.info("RFID gateway: %s %s: %s", status, code, message)
        return request.make_json_response(
            {"error": code, "message": message}, status=status
        )
