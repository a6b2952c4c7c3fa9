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
        vals_list = [vals for row in rows for vals in self._prepare_line_vals(row)]
        companies = self._get_line_companies(vals_list)
        for vals in vals_list:
            vals.update(
                wizard_id=wizard.id,
                company_id=companies.get(vals.get("warehouse_id"), self.env.company.id),
            )
        return self.create(vals_list)

    @api.model
    def _prepare_line_vals(self, row):
        """The values of the lines of one row: its keys that are fields."""
        return [{key: value for key, value in row.items() if key in self._fields}]

    @api.model
    def _get_line_companies(self, vals_list):
        """``{warehouse_id: company_id}`` of the lines' warehouses, read at
        once; lines without a warehouse get the current company (for record
        rules)."""
        warehouses = self.env["stock.warehouse"].browse(
            {vals["warehouse_id"] for vals in vals_list if vals.get("warehouse_id")}
        )
        return {warehouse.id: warehouse.company_id.id for warehouse in warehouses}
