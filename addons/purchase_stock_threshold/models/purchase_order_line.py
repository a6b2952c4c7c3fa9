from odoo import fields, models


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"

    threshold_rule_id = fields.Many2one(
        "stock.threshold.rule",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The threshold rule whose reordering created or last updated the line.",
    )
    threshold_alert_id = fields.Many2one(
        "stock.threshold.alert",
        string="Stock Alert",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The stock alert that the line answers.",
    )
