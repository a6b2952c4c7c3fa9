from odoo import api, models
from odoo.tools import SQL


class ProductProduct(models.Model):
    _inherit = "product.product"

    @api.model
    def _compute_abc_xyz_classes(self):
        """A product that changes class may change rule: the statuses of the
        products whose class changed are evaluated again, in the same
        transaction, when a rule of the company is narrowed to a class."""
        Rule = self.env["stock.threshold.rule"].sudo()
        if not Rule.search_count(
            [("abc_class", "!=", False), ("company_id", "=", self.env.company.id)],
            limit=1,
        ):
            return super()._compute_abc_xyz_classes()
        before = self._get_abc_classes()
        result = super()._compute_abc_xyz_classes()
        after = self._get_abc_classes()
        changed = [pid for pid, abc in after.items() if before.get(pid) != abc]
        if changed:
            self.env["stock.threshold.status"].sudo()._evaluate(
                product_ids=changed, company_ids=self.env.company.ids
            )
        return result

    @api.model
    def _get_abc_classes(self):
        """``{product_id: class}`` in the current company, in one query."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT id, abc_class ->> %s FROM product_product WHERE abc_class ? %s",
                str(self.env.company.id),
                str(self.env.company.id),
            )
        )
        return dict(self.env.cr.fetchall())
