from odoo import api, fields, models


class StockAnalyticsLineMixin(models.AbstractModel):
    """Rows of a report computed for a wizard's filters, kept as transient
    records so that the list, pivot and graph views can group them."""

    _name = "stock.analytics.line.mixin"
    _description = "Inventory Analytics Report Line"
    _order = "id"

    wizard_id = fields.Many2one(
        "stock.analytics.wizard", required=True, ondelete="cascade", index=True
    )
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one(
        "product.category", related="product_id.categ_id", store=True, string="Category"
    )
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    @api.model
    def _create_from_rows(self, wizard, rows):
        """Create the lines of ``rows`` (dicts of ``stock.analytics``) in one
        batch; ``_prepare_line_vals`` may turn a row into several lines."""
        vals_list = [
            dict(vals, wizard_id=wizard.id, company_id=self._get_line_company(vals))
            for row in rows
            for vals in self._prepare_line_vals(row)
        ]
        return self.create(vals_list)

    @api.model
    def _prepare_line_vals(self, row):
        """The values of the lines of one row: its keys that are fields."""
        return [{key: value for key, value in row.items() if key in self._fields}]

    @api.model
    def _get_line_company(self, vals):
        """A warehouse's company, else the current one (for record rules)."""
        warehouse = self.env["stock.warehouse"].browse(vals.get("warehouse_id"))
        return warehouse.company_id.id or self.env.company.id
