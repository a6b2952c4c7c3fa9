from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    rfid_tag_ids = fields.Many2many(
        "stock.rfid.tag",
        string="RFID Tags Read",
        copy=False,
        readonly=True,
        help="Tags read at the dock portal for this operation.",
    )
    rfid_portal_id = fields.Many2one(
        "stock.rfid.portal",
        string="RFID Dock",
        copy=False,
        index="btree_not_null",
        check_company=True,
        help="Dock portal whose reads fill this operation.",
    )

    def _fill_from_rfid_tags(self, tags):
        """Add the tags read at the dock and set the quantities from all the
        tags of the operation, so that reading a tag twice counts it once."""
        self.ensure_one()
        new_tags = tags.filtered(lambda tag: tag.state != "killed") - self.rfid_tag_ids
        if not new_tags:
            return
        self.rfid_tag_ids |= new_tags
        self._set_quantities_from_rfid_tags()

    def _set_quantities_from_rfid_tags(self):
        """Quantities (and lots or serials) of the moves from the tags of
        their products, marked picked; tags of products the operation does
        not move are reported in the chatter."""
        by_product = {}
        for tag in self.rfid_tag_ids.filtered("product_id"):
            by_product.setdefault(tag.product_id, self.env["stock.rfid.tag"])
            by_product[tag.product_id] |= tag
        moves = self.move_ids.filtered(
            lambda move: move.state not in ("done", "cancel")
        )
        for move in moves:
            tags = by_product.pop(move.product_id, None)
            if tags:
                move._set_quantity_from_rfid_tags(tags)
        if by_product:
            self.message_post(
                body=self.env._(
                    "RFID: tags read of products this operation does not move: %s",
                    ", ".join(product.display_name for product in by_product),
                )
            )
