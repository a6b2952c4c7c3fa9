from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        """Refresh the statuses of the moved products, in the same
        transaction, for the rule scopes the moves touched."""
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        self.env["stock.threshold.status"]._evaluate_for_moves(
            moves.filtered(lambda move: move.state == "done")
        )
        return moves
