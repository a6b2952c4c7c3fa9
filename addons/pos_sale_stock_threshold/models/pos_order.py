from odoo import api, models

# Context key set while the Point of Sale syncs its paid orders; it exempts
# only Point of Sale users (see sale_order.py).
POS_SYNC_CONTEXT_KEY = "pos_sale_stock_threshold_sync"


class PosOrder(models.Model):
    _inherit = "pos.order"

    @api.model
    def sync_from_ui(self, orders):
        """Never refuse, for the stock thresholds, the quotations that
        ``pos_sale`` confirms while syncing the orders settled at the
        counter: the customer has paid and left with the goods. The
        cashier needs no sales manager's rights; the order lines keep their
        warnings."""
        pos_orders = self.with_context(**{POS_SYNC_CONTEXT_KEY: True})
        return super(PosOrder, pos_orders).sync_from_ui(orders)
