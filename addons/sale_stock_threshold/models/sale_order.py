from odoo import models

# Context key set by the Confirm buttons of the order form: there, a wizard
# lists the lines that breach a threshold before confirming.
CHECK_CONTEXT_KEY = "sale_threshold_check"


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_confirm(self):
        """From the form, list the lines that breach the stock thresholds in
        a wizard first, unless the confirmation is refused anyway (see
        ``_confirmation_error_message``)."""
        if self.env.context.get(CHECK_CONTEXT_KEY) and not self._is_threshold_blocked():
            lines = self._get_threshold_breaching_lines()
            if lines:
                return self._action_threshold_confirm(lines)
        return super().action_confirm()

    def _confirmation_error_message(self):
        """Refuse the confirmation to salespeople when the company blocks
        orders that breach the stock thresholds, whatever the path: form,
        wizard, RPC or code running as the user."""
        message = super()._confirmation_error_message()
        if message or not self._is_threshold_blocked():
            return message
        return self.env._(
            "These lines breach the stock thresholds; ask a sales manager "
            "to confirm the order:\n%(lines)s",
            lines=self._get_threshold_breaching_lines()._get_threshold_summary(),
        )

    def _is_threshold_blocked(self):
        """Whether the user may not confirm these orders: a line breaches a
        threshold of a company that blocks, and the user is no sales
        manager (see ``_is_threshold_block_exempt``)."""
        if self._is_threshold_block_exempt():
            return False
        return bool(
            self._get_threshold_breaching_lines().filtered(
                lambda line: line.company_id.sale_threshold_confirm_check == "block"
            )
        )

    def _is_threshold_block_exempt(self):
        """Whether this confirmation is never blocked: sales managers, and
        code running in superuser mode (e-commerce payments, portal
        signatures), which confirms as it always did. A hook for the
        integrations whose confirmations must not be refused (the Point of
        Sale, where the goods are already gone): the exemption must be a
        right of the user, not a context key alone, which any RPC client
        can send."""
        return self.env.su or self.env.user.has_group("sales_team.group_sale_manager")

    def _get_threshold_breaching_lines(self):
        """Lines of the orders to confirm whose company checks the stock and
        that breach a threshold or are not available by the date."""
        lines = self.filtered(
            lambda order: (
                order.state in ("draft", "sent")
                and order.company_id.sale_threshold_confirm_check != "off"
            )
        ).order_line
        return lines.filtered(
            lambda line: line.threshold_warning not in (False, "none")
        )

    def _action_threshold_confirm(self, lines):
        """The wizard that lists the breaching lines and confirms anyway."""
        wizard = self.env["sale.threshold.confirm"].create(
            {"order_ids": self.ids, "line_ids": lines.ids}
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Stock Warnings"),
            "res_model": "sale.threshold.confirm",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            # the form's Confirm validates the analytic distribution too
            "context": {"validate_analytic": self.env.context.get("validate_analytic")},
        }
