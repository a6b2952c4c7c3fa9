from odoo import fields, models

from ..models.sale_order import CHECK_CONTEXT_KEY


class SaleThresholdConfirm(models.TransientModel):
    """Lists the lines of orders being confirmed that breach a stock
    threshold, and confirms them anyway on request."""

    _name = "sale.threshold.confirm"
    _description = "Confirm Orders Despite Stock Warnings"

    order_ids = fields.Many2many("sale.order", string="Orders", required=True)
    line_ids = fields.Many2many("sale.order.line", string="Lines")

    def action_confirm(self):
        """Confirm the orders without checking the thresholds again."""
        self.ensure_one()
        self.order_ids.with_context(**{CHECK_CONTEXT_KEY: False}).action_confirm()
        return {"type": "ir.actions.act_window_close"}
