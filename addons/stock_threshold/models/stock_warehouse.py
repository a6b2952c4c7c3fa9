from odoo import fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    threshold_attention_count = fields.Integer(
        compute="_compute_threshold_attention_count",
        groups="stock_threshold.group_threshold_user",
    )

    def _compute_threshold_attention_count(self):
        groups = self.env["stock.threshold.status"]._read_group(
            [("warehouse_id", "in", self.ids), ("status", "not in", ("ok", "none"))],
            ["warehouse_id"],
            ["__count"],
        )
        counts = {warehouse.id: count for warehouse, count in groups}
        for warehouse in self:
            warehouse.threshold_attention_count = counts.get(warehouse.id, 0)

    def action_view_threshold_statuses(self):
        """Open the threshold statuses of every scope of the warehouse."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stock_threshold.stock_threshold_status_action"
        )
        action["domain"] = [("warehouse_id", "=", self.id)]
        action["context"] = {"search_default_filter_attention": 1}
        return action
