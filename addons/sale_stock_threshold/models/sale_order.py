from odoo import models
from odoo.exceptions import UserError

# Context key set by the Confirm buttons of the order form: confirmations by
# code (e-commerce payments, imports, other modules) are never interrupted.
CHECK_CONTEXT_KEY = "sale_threshold_check"


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_confirm(self):
        """From the form, check the stock thresholds first: a wizard lists
        the lines that breach them, or the confirmation is refused, as the
        company says."""
        if self.env.context.get(CHECK_CONTEXT_KEY):
            lines = self._get_threshold_breaching_lines()
            if lines:
                return self._action_threshold_confirm(lines)
        return super().action_confirm()

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
        """The confirmation wizard, or an error for salespeople when a
        company blocks: only sales managers confirm such orders."""
        blocking = lines.filtered(
            lambda line: line.company_id.sale_threshold_confirm_check == "block"
        )
        if blocking and not self.env.user.has_group("sales_team.group_sale_manager"):
            raise UserError(
                self.env._(
                    "These lines breach the stock thresholds; ask a sales manager "
                    "to confirm the order:\n%(lines)s",
                    lines=lines._get_threshold_summary(),
                )
            )
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
