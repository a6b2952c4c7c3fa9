from odoo import api, fields, models
from odoo.tools import float_compare


class StockRfidCountLine(models.Model):
    """The result of a count for one product and lot (expected and counted
    quantities, tags read), or for one unknown tag."""

    _name = "stock.rfid.count.line"
    _description = "RFID Count Line"
    _order = "count_id, status, product_id, lot_id, id"

    count_id = fields.Many2one(
        "stock.rfid.count", required=True, ondelete="cascade", index=True
    )
    product_id = fields.Many2one("product.product", readonly=True)
    lot_id = fields.Many2one("stock.lot", string="Lot/Serial Number", readonly=True)
    location_id = fields.Many2one(
        "stock.location",
        readonly=True,
        help="Where the difference is adjusted: the location holding most of "
        "the expected stock, else where the tags were read.",
    )
    expected_qty = fields.Float(
        string="Expected", digits="Product Unit of Measure", readonly=True
    )
    counted_qty = fields.Float(
        string="Counted", digits="Product Unit of Measure", readonly=True
    )
    difference_qty = fields.Float(
        string="Difference",
        compute="_compute_status",
        store=True,
        digits="Product Unit of Measure",
    )
    status = fields.Selection(
        [
            ("matched", "Matched"),
            ("missing", "Missing"),
            ("unexpected", "Unexpected"),
            ("unknown", "Unknown Tag"),
        ],
        compute="_compute_status",
        store=True,
    )
    tag_ids = fields.Many2many("stock.rfid.tag", string="Tags Read", readonly=True)
    to_apply = fields.Boolean(
        string="Apply",
        compute="_compute_to_apply",
        store=True,
        readonly=False,
        help="Adjust the stock by the difference when the count is applied.",
    )
    company_id = fields.Many2one(related="count_id.company_id", store=True)

    @api.depends("product_id", "expected_qty", "counted_qty")
    def _compute_status(self):
        for line in self:
            line.difference_qty = line.counted_qty - line.expected_qty
            if not line.product_id:
                line.status = "unknown"
                continue
            comparison = float_compare(
                line.counted_qty,
                line.expected_qty,
                precision_rounding=line.product_id.uom_id.rounding,
            )
            line.status = {0: "matched", -1: "missing", 1: "unexpected"}[comparison]

    @api.depends("status", "lot_id")
    def _compute_to_apply(self):
        """A tracked product can only be adjusted with its lot or serial."""
        for line in self:
            line.to_apply = line.status in ("missing", "unexpected") and (
                line.lot_id or line.product_id.tracking == "none"
            )

    def _get_inventory_quantities(self):
        """{quant: counted quantity} that turns the difference into
        stock: added at the line's location (an empty quant: to create),
        removed from the quants of the count location, the line's first."""
        self.ensure_one()
        quants = self.env["stock.quant"].search(
            [
                ("product_id", "=", self.product_id.id),
                ("lot_id", "=", self.lot_id.id),
                ("location_id", "child_of", self.count_id.location_id.id),
                ("company_id", "=", self.company_id.id),
            ]
        )
        here = quants.filtered(lambda quant: quant.location_id == self.location_id)
        if self.difference_qty > 0:
            quant = here[:1]
            return {quant: quant.quantity + self.difference_qty}
        result, to_remove = {}, -self.difference_qty
        for quant in here + (quants - here).sorted("quantity", reverse=True):
            if to_remove <= 0 or quant.quantity <= 0:
                continue
            removed = min(quant.quantity, to_remove)
            result[quant] = quant.quantity - removed
            to_remove -= removed
        return result

    def _prepare_quant_values(self, quantity):
        """Values of the quant, in inventory mode, created for stock found
        where there was none."""
        self.ensure_one()
        return {
            "product_id": self.product_id.id,
            "lot_id": self.lot_id.id,
            "location_id": self.location_id.id,
            "inventory_quantity": quantity,
        }
