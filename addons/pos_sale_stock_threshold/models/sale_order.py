from odoo import models

from .pos_order import POS_SYNC_CONTEXT_KEY

POS_USER_GROUP = "point_of_sale.group_pos_user"


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _is_threshold_block_exempt(self):
        """Quotations settled at the counter are confirmed whatever their
        stock warnings, by Point of Sale users only: the context key of the
        sync alone, which any RPC client may send, exempts nobody else."""
        if super()._is_threshold_block_exempt():
            return True
        return bool(
            self.env.context.get(POS_SYNC_CONTEXT_KEY)
        ) and self.env.user.has_group(POS_USER_GROUP)
