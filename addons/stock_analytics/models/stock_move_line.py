from odoo import models, tools

LAST_OUT_INDEX = "stock_analytics_move_line_last_out_index"


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def init(self):
        """The dead stock report's index: done lines that left their
        location, by product, location and date. The last move out of each
        product x location on hand is then one backward index probe, not a
        pass over every move line (millions on big databases); lines enter
        it once, when they are done."""
        res = super().init()
        tools.create_index(
            self._cr,
            LAST_OUT_INDEX,
            self._table,
            ["product_id", "location_id", "date"],
            where="state = 'done' AND location_dest_id <> location_id",
        )
        return res
