from collections import Counter

from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _set_quantity_from_rfid_tags(self, tags):
        """Set the quantity of the move to the number of ``tags`` read, per
        lot or serial for a tracked product, and mark it picked."""
        self.ensure_one()
        if self.has_tracking == "none":
            self.quantity = self.product_id.uom_id._compute_quantity(
                len(tags), self.product_uom
            )
        else:
            self._set_rfid_lots(tags)
        self.picked = True

    def _set_rfid_lots(self, tags):
        """One picked move line per lot or serial read (the tag's lot, else
        its SGTIN serial as the name of a lot to create), reusing the line of
        that lot or a line without lot; the other lines not picked are
        removed."""
        counts = Counter(tag.lot_id.name or tag.serial for tag in tags)
        lots = {tag.lot_id.name: tag.lot_id for tag in tags if tag.lot_id}
        named = {
            line.lot_id.name or line.lot_name: line
            for line in self.move_line_ids
            if line.lot_id or line.lot_name
        }
        blank = self.move_line_ids.filtered(lambda ml: not (ml.lot_id or ml.lot_name))
        vals_list = []
        for name, quantity in counts.items():
            line = named.pop(name, None) or blank[:1]
            blank -= line
            vals = {
                **self._prepare_rfid_lot_values(name, lots.get(name)),
                "quantity": quantity,
                "picked": True,
            }
            if line:
                line.write(vals)
            else:
                vals_list.append({**self._prepare_move_line_vals(), **vals})
        leftovers = blank | self.env["stock.move.line"].union(*named.values())
        leftovers.filtered(lambda line: not line.picked).unlink()
        self.env["stock.move.line"].create(vals_list)

    def _prepare_rfid_lot_values(self, name, lot):
        """Lot of a move line read: an existing lot, from where it is; else
        the name of a lot to create (receipts)."""
        if not lot:
            return {"lot_name": name}
        vals = {"lot_id": lot.id}
        quant = self.env["stock.quant"].search(
            [
                ("lot_id", "=", lot.id),
                ("location_id", "child_of", self.location_id.id),
                ("quantity", ">", 0),
            ],
            limit=1,
        )
        if quant:
            vals["location_id"] = quant.location_id.id
        return vals
