from odoo import models

from odoo.addons.stock_threshold.models.stock_position import OPEN_MOVE_STATES

# Kind codes of the alerts that mean a shortage for the customers: the
# salespeople of open orders hear of them (kinds another addon adds count
# by their code).
SHORTAGE_KINDS = ("below_min", "below_safety", "out_of_stock", "projected_stockout")


class StockThresholdAlert(models.Model):
    _inherit = "stock.threshold.alert"

    def _notify_people(self, event):
        """Shortages that open or escalate also reach the salespeople of the
        confirmed orders still to deliver from the warehouse."""
        result = super()._notify_people(event)
        if event in ("opened", "escalated"):
            self._notify_salespeople()
        return result

    def _get_open_sale_lines(self):
        """``{alert: sale lines}``: confirmed lines of the alert's product and
        warehouse with an open delivery move and a salesperson, in one
        search."""
        alerts = self.filtered(
            lambda alert: alert.kind in SHORTAGE_KINDS and alert.warehouse_id
        )
        if not alerts:
            return {}
        lines = (
            self.env["sale.order.line"]
            .sudo()
            .search(
                [
                    ("state", "=", "sale"),
                    ("product_id", "in", alerts.product_id.ids),
                    ("warehouse_id", "in", alerts.warehouse_id.ids),
                    ("order_id.user_id", "!=", False),
                    ("move_ids.state", "in", OPEN_MOVE_STATES),
                ]
            )
        )
        by_key = lines.grouped(lambda line: (line.product_id, line.warehouse_id))
        result = {}
        for alert in alerts:
            alert_lines = by_key.get((alert.product_id, alert.warehouse_id))
            if alert_lines:
                result[alert] = alert_lines
        return result

    def _notify_salespeople(self):
        """Give each salesperson one activity per order and alert, in one
        batch. They are reached on their orders, which they can read, and
        never made followers of the alert, which they cannot."""
        lines_of = self._get_open_sale_lines()
        self.env["mail.activity"].sudo().create(
            self._prepare_salesperson_activities(lines_of)
        )

    def _prepare_salesperson_activities(self, lines_of):
        """Activity values on the orders of ``{alert: sale lines}``, but for
        the orders that already have the same open activity."""
        activity_type = self.env.ref(
            "sale_stock_threshold.mail_activity_type_sale_stock_alert",
            raise_if_not_found=False,
        )
        orders = self.env["sale.order.line"].concat(*lines_of.values()).order_id
        if not activity_type or not orders:
            return []
        existing = (
            self.env["mail.activity"]
            .sudo()
            .search_fetch(
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "in", orders.ids),
                    ("activity_type_id", "=", activity_type.id),
                ],
                ["res_id", "summary"],
            )
        )
        seen = {(activity.res_id, activity.summary) for activity in existing}
        model_id = self.env["ir.model"]._get_id("sale.order")
        values = []
        for alert, lines in lines_of.items():
            summary = self.env._("Stock alert: %(alert)s", alert=alert.display_name)
            for order in lines.order_id:
                if (order.id, summary) in seen:
                    continue
                seen.add((order.id, summary))
                values.append(
                    {
                        "res_model_id": model_id,
                        "res_id": order.id,
                        "activity_type_id": activity_type.id,
                        "user_id": order.user_id.id,
                        "summary": summary,
                    }
                )
        return values
