import base64
import binascii
import json
import logging

from werkzeug.exceptions import RequestEntityTooLarge

from odoo import SUPERUSER_ID, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from ..lib import adapters, gc_pause, read_batch

_logger = logging.getLogger(__name__)

# Any method is routed here, so that a wrong one is answered in JSON (405),
# not by werkzeug's HTML page.
ROUTE_OPTIONS = {
    "type": "http",
    "auth": "none",
    "csrf": False,
    "readonly": False,
    "save_session": False,
}
# A batch of 5,000 reads with every optional key takes about 1.5 MB
MAX_BODY_BYTES = 8 * 1024 * 1024
# Media types of the bodies (none given is accepted: some readers send none)
JSON_TYPES = frozenset({"application/json"})
NATIVE_TYPES = JSON_TYPES | {"application/x-ndjson", "text/plain"}


class RfidGateway(http.Controller):
    """Reader gateway: thin, it parses, authenticates the reader by its API
    key and delegates the batch to stock.rfid.reader._ingest_payload."""

    @http.route("/rfid/v1/reads", **ROUTE_OPTIONS)
    def post_reads(self, **_form):
        """Ingest a batch of reads (schema rfid-read-batch/1) posted by a
        reader with its key in ``Authorization: Bearer`` or ``X-Api-Key``.
        Form fields (a body of the wrong type, refused) are taken here, not
        logged by Odoo as ignored arguments with the whole body. The body is
        decoded and ingested with the cyclic garbage collector paused."""
        body, error = self._read_body(JSON_TYPES)
        if error:
            return error
        reader, error = self._authenticate()
        if error:
            return error
        with gc_pause.paused():
            try:
                payload = json.loads(body)
            except (ValueError, RecursionError) as parse_error:
                return self._error(400, "invalid_json", str(parse_error))
            return self._ingest(reader, payload)

    @http.route(["/rfid/v1/impinj/reads", "/rfid/v1/zebra/reads"], **ROUTE_OPTIONS)
    def post_native_reads(self, **_form):
        """Ingest the native JSON of an Impinj IoT device interface webhook
        or of a Zebra IoT Connector HTTP endpoint, converted to the neutral
        batch (its batch_id derived from the body, so retries are
        idempotent)."""
        body, error = self._read_body(NATIVE_TYPES)
        if error:
            return error
        reader, error = self._authenticate()
        if error:
            return error
        vendor = request.httprequest.path.split("/")[3]
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

    @http.route("/rfid/v1/<path:subpath>", **ROUTE_OPTIONS)
    def not_found(self, subpath, **_form):
        """Any other path of the gateway: a JSON 404, not Odoo's page."""
        return self._error(404, "not_found", f"No gateway endpoint at {subpath!r}.")

    def _read_body(self, media_types):
        """(body, None), or (None, the error response of a request that is
        not a POST of at most MAX_BODY_BYTES of one of ``media_types``),
        checked before the reader's key so that no body is read for
        nothing."""
        httprequest = request.httprequest
        if httprequest.method != "POST":
            response = self._error(405, "method_not_allowed", "Use POST.")
            response.headers["Allow"] = "POST"
            return None, response
        if httprequest.mimetype and httprequest.mimetype not in media_types:
            message = f"Content-Type must be one of {', '.join(sorted(media_types))}."
            return None, self._error(415, "unsupported_media_type", message)
        too_large = self._error(
            413, "payload_too_large", f"The body exceeds {MAX_BODY_BYTES} bytes."
        )
        if (httprequest.content_length or 0) > MAX_BODY_BYTES:
            return None, too_large
        try:
            body = httprequest.get_data()
        except RequestEntityTooLarge:
            return None, too_large
        if len(body) > MAX_BODY_BYTES:
            return None, too_large
        return body, None

    def _authenticate(self):
        """(reader, None), or (None, the 401 or 403 response)."""
        key = self._get_api_key()
        if not key:
            response = self._error(401, "missing_api_key", "An API key is required.")
            response.headers["WWW-Authenticate"] = 'Bearer realm="rfid"'
            return None, response
        env = request.env(user=SUPERUSER_ID, su=True)
        reader = env["stock.rfid.reader"]._authenticate(key)
        if not reader:
            return None, self._error(403, "invalid_api_key", "Unknown or inactive key.")
        return reader, None

    def _ingest(self, reader, payload):
        """The response to ``payload``: its body, or, in JSON, the error of
        a batch that cannot be ingested, whose writes are rolled back. A
        concurrency error propagates, for Odoo to retry the request."""
        try:
            with request.env.cr.savepoint():
                body = reader._ingest_payload(payload)
        except read_batch.BatchError as error:
            return self._error(error.status, error.code, error.message)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise
        except AccessError as error:
            return self._error(403, "access_denied", error.args[0])
        except UserError as error:
            return self._error(422, "rejected_batch", error.args[0])
        except Exception:
            _logger.exception("RFID gateway: batch of %s failed", reader.identifier)
            message = "The batch could not be ingested; nothing was recorded."
            return self._error(500, "internal_error", message)
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
