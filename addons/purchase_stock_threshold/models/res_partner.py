from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    purchase_order_day_ids = fields.Many2many(
        "purchase.order.day",
        string="Order Days",
        help="Threshold reordering orders from this vendor on these days only; "
        "none means any day.",
    )

    threshold_reorder_policy = fields.Selection(
        [
            ("draft", "Draft RFQ"),
            ("send", "Send the RFQ"),
            ("confirm", "Confirm under an amount"),
        ],
        string="Reordering Policy",
        help="Caps what threshold reordering does with this vendor's RFQs: the "
        "least automatic of this policy and the rules' policies applies. Empty: "
        "the rules decide.",
    )

    def _is_order_day(self, date):
        """Whether threshold reordering may order from the vendor on a date."""
        self.ensure_one()
        days = self.commercial_partner_id.purchase_order_day_ids
        return not days or date.weekday() in days.mapped("weekday")
