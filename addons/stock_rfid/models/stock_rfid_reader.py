import hashlib
import hmac
import secrets

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..lib import gc_pause, read_batch

KEY_PREFIX_SIZE = 8  # characters of the key kept in clear to find its reader
MANAGER_GROUP = "stock_rfid.group_rfid_manager"
USER_GROUP = "stock_rfid.group_rfid_user"
# Fields of a reader that the ingestion of its batch reads, fetched with its key
INGEST_FIELDS = ("identifier", "company_id", "location_id")


def hash_api_key(key):
    """SHA-256 of a reader key: the keys are 256-bit random tokens, so a fast
    hash is enough (no dictionary attack to slow down) and keeps the gateway
    cheap per batch."""
    return hashlib.sha256(key.encode()).hexdigest()


class StockRfidReader(models.Model):
    _name = "stock.rfid.reader"
    _description = "RFID Reader"
    _order = "name, id"

    name = fields.Char(required=True)
    identifier = fields.Char(
        required=True,
        help="The reader's own identifier, sent as reader.id in its batches.",
    )
    vendor = fields.Char()
    model = fields.Char()
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    location_id = fields.Many2one(
        "stock.location",
        string="Default Read Point",
        check_company=True,
        help="Location of the tags this reader reads on an antenna without "
        "its own read point.",
    )
    antenna_ids = fields.One2many("stock.rfid.antenna", "reader_id", string="Antennas")
    api_key_prefix = fields.Char(
        string="API Key Prefix", readonly=True, copy=False, groups=MANAGER_GROUP
    )
    api_key_hash = fields.Char(
        string="API Key Hash", readonly=True, copy=False, groups=MANAGER_GROUP
    )
    read_count = fields.Integer(compute="_compute_read_count", string="Reads")

    _sql_constraints = [
        (
            "identifier_company_uniq",
            "UNIQUE(identifier, company_id)",
            "A reader identifier must be unique per company.",
        ),
    ]

    def _compute_read_count(self):
        counts = dict(
            self.env["stock.rfid.read"]._read_group(
                [("reader_id", "in", self.ids)], ["reader_id"], ["__count"]
            )
        )
        for reader in self:
            reader.read_count = counts.get(reader, 0)

    def action_generate_api_key(self):
        """Generate a new API key for the reader, store only its prefix and
        hash, and show the key once in a dialog. A previous key stops working."""
        self.ensure_one()
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only RFID managers can manage reader keys."))
        key = secrets.token_urlsafe(32)
        self.sudo().write(
            {"api_key_prefix": key[:KEY_PREFIX_SIZE], "api_key_hash": hash_api_key(key)}
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.rfid.reader.key.show",
            "name": self.env._("Reader API Key"),
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_key": key, "default_reader_id": self.id},
        }

    def action_view_reads(self):
        """Open the reads of this reader."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stock_rfid.stock_rfid_read_action"
        )
        action["domain"] = [("reader_id", "=", self.id)]
        return action

    @api.model
    def _authenticate(self, key):
        """The active reader whose API key is ``key``, or an empty recordset,
        with the fields that the ingestion of its batch reads (one query per
        batch saved). Needs sudo: the gateway calls it before any user is
        known."""
        if not key or len(key) <= KEY_PREFIX_SIZE:
            return self.browse()
        candidates = self.search_fetch(
            [("api_key_prefix", "=", key[:KEY_PREFIX_SIZE])],
            ["api_key_hash", *INGEST_FIELDS],
        )
        digest = hash_api_key(key)
        return candidates.filtered(
            lambda reader: hmac.compare_digest(reader.api_key_hash or "", digest)
        )[:1]

    def ingest_batch(self, payload):
        """Ingest a batch of reads (schema rfid-read-batch/1, as a dict) from
        this reader, for RPC clients with RFID user rights. Returns the
        gateway's response body: batch_id, accepted, duplicates, invalid."""
        self.ensure_one()
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(self.env._("Only RFID users can ingest reads."))
        self.check_access("read")
        if not self.active:
            raise UserError(self.env._("The reader %s is archived.", self.name))
        try:
            return self.sudo()._ingest_payload(payload)
        except read_batch.BatchError as error:
            raise ValidationError(
                self.env._(
                    "Invalid batch (%(code)s): %(reason)s",
                    code=error.code,
                    reason=error.message,
                )
            ) from error

    def _ingest_payload(self, payload):
        """Validate ``payload``, check it comes from this reader and ingest
        it. Raises read_batch.BatchError, before any write, for a payload
        that cannot be ingested (403 ``wrong_reader`` for a batch of another
        reader). Runs with the cyclic garbage collector paused (see
        lib/gc_pause.py)."""
        self.ensure_one()
        with gc_pause.paused():
            return self._ingest_parsed(read_batch.parse(payload))

    def _ingest_parsed(self, batch):
        """Ingest ``batch`` (read_batch.Batch) of this reader."""
        if batch.reader_id != self.identifier:
            raise read_batch.BatchError(
                "wrong_reader",
                self.env._(
                    "The batch is from reader %(sender)s, not %(reader)s.",
                    sender=batch.reader_id,
                    reader=self.identifier,
                ),
                status=403,
            )
        Batch = self.env["stock.rfid.read.batch"].with_company(self.company_id)
        return Batch._ingest(self, batch)
