from odoo import api, fields, models
from odoo.exceptions import UserError

from ..lib import epc as epc_codec
from ..models.stock_rfid_tag import BULK_CONTEXT

SERIAL_SEQUENCE = "stock.rfid.serial"


class StockRfidCommission(models.TransientModel):
    """Allocate EPCs to a product's items, register their tags as
    commissioned, and print their labels to encode them."""

    _name = "stock.rfid.commission"
    _description = "Commission RFID Tags"

    product_id = fields.Many2one(
        "product.product", required=True, domain="[('barcode', '!=', False)]"
    )
    source = fields.Selection(
        [("sequence", "New Serials"), ("lots", "Lots/Serial Numbers")],
        required=True,
        default="sequence",
        help="New serials come from the RFID serial sequence; lots and serial "
        "numbers use their names as serials.",
    )
    quantity = fields.Integer(default=1)
    lot_ids = fields.Many2many(
        "stock.lot",
        string="Lots/Serial Numbers",
        domain="[('product_id', '=', product_id)]",
    )
    create_lots = fields.Boolean(
        compute="_compute_create_lots",
        store=True,
        readonly=False,
        help="Create a serial number for each new serial.",
    )
    company_prefix_length = fields.Integer(
        string="GS1 Company Prefix Length",
        default=lambda self: self.env.company.rfid_company_prefix_length,
        help="Digits of the GS1 company prefix in the product's GTIN.",
    )
    filter_value = fields.Integer(
        string="EPC Filter",
        default=1,
        help="1: point of sale item, 2: full case, 3: reserved, 4: inner pack, "
        "6: unit load, 7: component (TDS filter values).",
    )
    label_format = fields.Selection(
        [("zpl", "ZPL (RFID printer)"), ("pdf", "PDF")], required=True, default="zpl"
    )

    @api.depends("product_id", "source")
    def _compute_create_lots(self):
        for wizard in self:
            wizard.create_lots = (
                wizard.source == "sequence" and wizard.product_id.tracking == "serial"
            )

    def action_commission(self):
        """Register the tags and print their labels."""
        self.ensure_one()
        tags = self._create_tags(self._get_serials())
        report = (
            "stock_rfid.stock_rfid_tag_report_zpl"
            if self.label_format == "zpl"
            else "stock_rfid.stock_rfid_tag_report_pdf"
        )
        return self.env.ref(report).report_action(tags, config=False)

    def _get_serials(self):
        """[(serial, lot)] to encode: new serials from the sequence, with
        their serial numbers when asked, or the names of the lots."""
        if self.source == "lots":
            if not self.lot_ids:
                raise UserError(self.env._("Select the lots or serial numbers."))
            return [(lot.name, lot) for lot in self.lot_ids]
        if self.quantity < 1:
            raise UserError(self.env._("The quantity must be positive."))
        Sequence = self.env["ir.sequence"].with_company(self.env.company)
        serials = [
            Sequence.next_by_code(SERIAL_SEQUENCE) for _i in range(self.quantity)
        ]
        lots = self.env["stock.lot"]
        if self.create_lots:
            lots = lots.create(
                [
                    {"name": serial, "product_id": self.product_id.id}
                    for serial in serials
                ]
            )
        return list(zip(serials, lots or [lots] * len(serials), strict=True))

    def _get_gtin_parts(self):
        """(company prefix, indicator + item reference) of the GTIN."""
        barcode = self.product_id.barcode or ""
        gtin = barcode.zfill(14)
        size = self.company_prefix_length
        valid = barcode and gtin.isdigit() and len(gtin) == 14
        if not (valid and 6 <= size <= 12):
            raise UserError(
                self.env._(
                    "%(product)s has no GTIN barcode, or the company prefix length "
                    "is not 6 to 12 digits.",
                    product=self.product_id.display_name,
                )
            )
        return gtin[1 : 1 + size], gtin[0] + gtin[1 + size : 13]

    def _encode(self, serial):
        """The EPC of ``serial``: SGTIN-96 for a number without leading
        zero that fits in 38 bits, SGTIN-198 for other serials."""
        prefix, reference = self._get_gtin_parts()
        try:
            try:
                return epc_codec.encode(
                    "sgtin-96", self.filter_value, prefix, reference, serial
                )
            except epc_codec.EpcError:
                return epc_codec.encode(
                    "sgtin-198", self.filter_value, prefix, reference, serial
                )
        except epc_codec.EpcError as error:
            raise UserError(
                self.env._(
                    "Serial %(serial)s cannot be encoded: %(reason)s",
                    serial=serial,
                    reason=error,
                )
            ) from error

    def _create_tags(self, serials):
        """Commissioned tags of ``serials`` ([(serial, lot)]), in one create;
        an EPC already registered is refused."""
        Tag = self.env["stock.rfid.tag"]
        epcs = [self._encode(serial) for serial, _lot in serials]
        existing = Tag.search(
            [("epc", "in", epcs), ("company_id", "=", self.env.company.id)]
        )
        if existing:
            raise UserError(
                self.env._(
                    "These EPCs are already registered: %s",
                    ", ".join(existing.mapped("epc")),
                )
            )
        return Tag.with_context(**BULK_CONTEXT).create(
            [
                {
                    **Tag._prepare_decoded_values(epc_codec.decode(epc_hex)),
                    "epc": epc_hex,
                    "product_id": self.product_id.id,
                    "lot_id": lot.id,
                    "state": "commissioned",
                    "company_id": self.env.company.id,
                }
                for epc_hex, (_serial, lot) in zip(epcs, serials, strict=True)
            ]
        )
