from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    threshold_attention_count = fields.Integer(
        compute="_compute_threshold_attention_count",
        groups="stock_threshold.group_threshold_user",
    )

    def _compute_threshold_attention_count(self):
        groups = self.env["stock.threshold.status"]._read_group(
            [("product_tmpl_id", "in", self.ids), ("status", "not in", ("ok", "none"))],
            ["product_tmpl_id"],
            ["__count"],
        )
        counts = {template.id: count for template, count in groups}
        for template in self:
            template.threshold_attention_count = counts.get(template.id, 0)

    def action_view_threshold_statuses(self):
        """Open the threshold statuses of the product in every scope."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stock_threshold.stock_threshold_status_action"
        )
        action["domain"] = [("product_tmpl_id", "=", self.id)]
        action["context"] = {}
        return action
