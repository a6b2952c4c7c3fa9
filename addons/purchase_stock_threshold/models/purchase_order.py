from odoo import models

# How automatic a reordering policy is: an RFQ follows its least automatic rule.
POLICY_RANK = {"draft": 0, "send": 1, "confirm": 2}


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    def _apply_threshold_policies(self, rules):
        """Confirm or send the RFQs that threshold reordering touched, as
        their rules among ``rules`` say: an RFQ follows the least automatic
        policy of its rules."""
        to_confirm, to_send = self.browse(), self.browse()
        for order in self:
            policy = order._get_threshold_policy(rules)
            if policy == "confirm":
                to_confirm |= order
            elif policy == "send":
                to_send |= order
        to_confirm.button_confirm()
        to_send._send_threshold_rfqs()

    def _get_threshold_policy(self, rules):
        """``draft``, ``send`` or ``confirm``: the least automatic of the
        rules' and the vendor's policies; ``confirm`` only when the total is
        within every rule's amount."""
        self.ensure_one()
        order_rules = self.order_line.threshold_rule_id & rules
        if not order_rules:
            return "draft"
        policies = order_rules.mapped("reorder_policy")
        vendor_policy = self.partner_id.commercial_partner_id.threshold_reorder_policy
        policy = min([*policies, vendor_policy or "confirm"], key=POLICY_RANK.get)
        if policy == "confirm":
            limit = min(order_rules.mapped("reorder_confirm_amount"))
            if self.currency_id.compare_amounts(self.amount_total, limit) > 0:
                return "draft"
        return policy

    def _send_threshold_rfqs(self):
        """Send the RFQs by e-mail with Odoo's RFQ template; they become
        *RFQ Sent*."""
        template = self.env.ref(
            "purchase.email_template_edi_purchase", raise_if_not_found=False
        )
        if not template:
            return
        for order in self:
            order.with_context(mark_rfq_as_sent=True).message_post_with_source(
                template, subtype_xmlid="mail.mt_comment"
            )
