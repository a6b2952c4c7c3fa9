import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ..wizards.stock_analytics_wizard import REPORTS

_logger = logging.getLogger(__name__)

FREQUENCIES = {
    "daily": relativedelta(days=1),
    "weekly": relativedelta(weeks=1),
    "monthly": relativedelta(months=1),
}


class StockAnalyticsSchedule(models.Model):
    """A report sent by e-mail, XLSX attached, to users on a frequency."""

    _name = "stock.analytics.schedule"
    _inherit = ["mail.thread"]
    _description = "Scheduled Inventory Analytics Report"
    _order = "next_date, id"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    report = fields.Selection(REPORTS, required=True, default="aging", tracking=True)
    warehouse_ids = fields.Many2many("stock.warehouse", string="Warehouses")
    category_ids = fields.Many2many("product.category", string="Product Categories")
    user_ids = fields.Many2many("res.users", string="Recipients", required=True)
    frequency = fields.Selection(
        [("daily", "Daily"), ("weekly", "Weekly"), ("monthly", "Monthly")],
        required=True,
        default="weekly",
        tracking=True,
    )
    next_date = fields.Datetime(
        string="Next Sending", required=True, default=fields.Datetime.now, tracking=True
    )

    @api.model
    def _cron_send_due(self):
        """Scheduled action: send the reports whose time has come, each in
        its own savepoint so that a failing one (logged, retried at the next
        run) neither blocks nor rolls back the others."""
        for schedule in self.search([("next_date", "<=", fields.Datetime.now())]):
            try:
                with self.env.cr.savepoint():
                    schedule.action_send()
            except Exception:
                _logger.exception("Scheduled report %s failed", schedule.display_name)

    def action_send(self):
        """Send each report now and plan its next sending."""
        for schedule in self:
            schedule._send_report()
            schedule.next_date = schedule._get_next_date()

    def _get_next_date(self):
        """The next sending after now, on the schedule's rhythm."""
        self.ensure_one()
        next_date, now = self.next_date, fields.Datetime.now()
        while next_date <= now:
            next_date += FREQUENCIES[self.frequency]
        return next_date

    def _prepare_wizard_vals(self):
        """Filters of the report: the schedule's, defaults for the rest."""
        return {
            "report": self.report,
            "warehouse_ids": [fields.Command.set(self.warehouse_ids.ids)],
            "category_ids": [fields.Command.set(self.category_ids.ids)],
        }

    def _send_report(self):
        """Render the XLSX in the schedule's company and post it to the
        recipients (an e-mail each, by their notification settings)."""
        self.ensure_one()
        env = (
            self.with_company(self.company_id)
            .with_context(allowed_company_ids=self.company_id.ids)
            .env
        )
        wizard = env["stock.analytics.wizard"].create(self._prepare_wizard_vals())
        content, __ = env["ir.actions.report"]._render_xlsx(
            "stock_analytics.stock_analytics_xlsx_report", wizard.ids, None
        )
        filename = f"{self.report}_{fields.Date.context_today(self)}.xlsx"
        return self.message_post(
            body=self.env._("Scheduled report: %(name)s", name=self.name),
            subject=self.name,
            partner_ids=self.user_ids.partner_id.ids,
            attachments=[(filename, content)],
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
