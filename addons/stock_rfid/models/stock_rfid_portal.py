from odoo import api, fields, models

OPEN_STATES = ("confirmed", "waiting", "assigned")


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
        help="Receipts and deliveries that go through this dock when they "
        "are to or from its read point and assigned to no dock.",
    )
    picking_id = fields.Many2one(
        "stock.picking",
        string="Current Operation",
        check_company=True,
        domain="[('state', 'not in', ('draft', 'done', 'cancel')),"
        " ('picking_type_code', 'in', ('incoming', 'outgoing'))]",
        help="Operation at the dock now; when empty, the open operations "
        "assigned to the dock, or of its operation types to or from its read "
        "point, that move the products read.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )

    def _get_open_picking(self, tags=None):
        """The operation that the reads of this portal fill: its current
        operation, else, of the open operations at this dock (those assigned
        to it first), the first by scheduled date among those moving most of
        the products of ``tags``."""
        self.ensure_one()
        if self.picking_id.state in OPEN_STATES:
            return self.picking_id
        candidates = self.env["stock.picking"].search(
            self._get_picking_domain(), order="scheduled_date, id"
        )
        products = tags.product_id if tags else self.env["product.product"]
        return max(
            candidates,
            key=lambda picking: (
                picking.rfid_portal_id == self,
                len(picking.move_ids.product_id & products),
            ),
            default=candidates,
        )

    def _get_picking_domain(self):
        """Open operations at this dock: those assigned to it, and those of
        its operation types, assigned to no dock, whose side of the dock is
        its read point (or inside it): the destination of a receipt, the
        source of a delivery."""
        self.ensure_one()
        at_read_point = [
            "&",
            ("picking_type_id", "in", self.picking_type_ids.ids),
            "|",
            "&",
            ("picking_type_code", "=", "incoming"),
            ("location_dest_id", "child_of", self.location_id.id),
            "&",
            ("picking_type_code", "=", "outgoing"),
            ("location_id", "child_of", self.location_id.id),
        ]
        return [
            ("state", "in", OPEN_STATES),
            ("company_id", "=", self.company_id.id),
            "|",
            ("rfid_portal_id", "=", self.id),
            "&",
            ("rfid_portal_id", "=", False),
            *at_read_point,
        ]

    @api.model
    def _fill_from_tags(self, tag_ids_by_location):
        """Fill the open operations of the portals at the read points of
        ``tag_ids_by_location`` ({location id: tag ids})."""
        portals = self.search([("location_id", "in", list(tag_ids_by_location))])
        Tag = self.env["stock.rfid.tag"]
        for portal in portals:
            tags = Tag.browse(tag_ids_by_location[portal.location_id.id])
            picking = portal._get_open_picking(tags)
            if picking:
                picking._fill_from_rfid_tags(tags)
