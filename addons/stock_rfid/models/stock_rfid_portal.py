from odoo import api, fields, models


class StockRfidPortal(models.Model):
    """A dock door watched by readers: the tags read at its read point fill
    the quantities of the open receipt or delivery of the dock, for a person
    to validate."""

    _name = "stock.rfid.portal"
    _description = "RFID Dock Portal"
    _order = "name, id"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    location_id = fields.Many2one(
        "stock.location",
        string="Read Point",
        required=True,
        check_company=True,
        help="Location of the antennas at the dock door.",
    )
    picking_type_ids = fields.Many2many(
        "stock.picking.type",
        string="Operation Types",
        required=True,
        check_company=True,
        domain="[('code', 'in', ('incoming', 'outgoing'))]",
        help="Receipts and deliveries that go through this dock.",
    )
    picking_id = fields.Many2one(
        "stock.picking",
        string="Current Operation",
        check_company=True,
        domain="[('picking_type_id', 'in', picking_type_ids),"
        " ('state', 'not in', ('draft', 'done', 'cancel'))]",
        help="Operation at the dock now; when empty, the first ready one of "
        "its operation types by scheduled date.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )

    def _get_open_picking(self):
        """The operation that the reads of this portal fill."""
        self.ensure_one()
        if self.picking_id.state in ("confirmed", "waiting", "assigned"):
            return self.picking_id
        return self.env["stock.picking"].search(
            [
                ("picking_type_id", "in", self.picking_type_ids.ids),
                ("state", "in", ("confirmed", "waiting", "assigned")),
                ("company_id", "=", self.company_id.id),
            ],
            order="scheduled_date, id",
            limit=1,
        )

    @api.model
    def _fill_from_tags(self, tag_ids_by_location):
        """Fill the open operations of the portals at the read points of
        ``tag_ids_by_location`` ({location id: tag ids})."""
        portals = self.search([("location_id", "in", list(tag_ids_by_location))])
        Tag = self.env["stock.rfid.tag"]
        for portal in portals:
            picking = portal._get_open_picking()
            if picking:
                tags = Tag.browse(tag_ids_by_location[portal.location_id.id])
                picking._fill_from_rfid_tags(tags)
