from odoo import models

# How automatic a reordering policy is: an RFQ follows its least automatic rule.
# A rule no longer reordering (``none``) ranks as ``draft``.
POLICY_RANK = {"draft": 0, "send": 1, "confirm": 2}


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    def _apply_threshold_policies(self):
        """Confirm or send the RFQs that threshold reordering touched, as
        their rules say: an RFQ follows the least automatic policy of the
        rules of all its lines, those merged by earlier runs included."""
        policies = {order: order._get_threshold_policy() for order in self}
        self.filtered(lambda o: policies[o] == "confirm").button_confirm()
        self.filtered(lambda o: policies[o] == "send")._send_threshold_rfqs()

    def _get_threshold_policy(self):
        """``draft``, ``send`` or ``confirm``: the least automatic of the
        policies of the order's rules and of the vendor; ``confirm`` only
        when the total is within every rule's amount."""
        self.ensure_one()
        rules = self.order_line.threshold_rule_id
        if not rules:
            return "draft"
        vendor_policy = self.partner_id.commercial_partner_id.threshold_reorder_policy
        policy = min(
            [*rules.mapped("reorder_policy"), vendor_policy or "confirm"],
            key=lambda p: POLICY_RANK.get(p, 0),
        )
        if policy == "confirm" and self._exceeds_threshold_confirm_amount(rules):
            return "draft"
        return policy if policy in POLICY_RANK else "draft"

    def _exceeds_threshold_confirm_amount(self, rules):
        """Whether the total exceeds the smallest amount the rules confirm
        up to; both in the company's currency, whatever the order's."""
        self.ensure_one()
        limit = min(rules.mapped("reorder_confirm_amount"))
        currency = self.company_id.currency_id
        return currency.compare_amounts(self.amount_total_cc, limit) > 0

    def _send_threshold_rfqs(self):
        """Send the RFQs by e-mail with Odoo's RFQ template; they become
        *RFQ Sent*."""
        template = self.env.ref(
            "purchase.email_template_edi_purchase", raise_if_not_found=False
        )
        if not template or not self:
            return
        self.with_context(mark_rfq_as_sent=True).message_post_with_source(
            template, subtype_xmlid="mail.mt_comment"
        )
