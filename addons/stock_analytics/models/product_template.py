from odoo import api, fields, models

from .product_product import ABC_CLASSES, XYZ_CLASSES


class ProductTemplate(models.Model):
    _inherit = "product.template"

    abc_class = fields.Selection(
        ABC_CLASSES, string="ABC Class", compute="_compute_abc_xyz"
    )
    xyz_class = fields.Selection(
        XYZ_CLASSES, string="XYZ Class", compute="_compute_abc_xyz"
    )
    abc_xyz_date = fields.Date(string="Classified On", compute="_compute_abc_xyz")

    @api.depends_context("company")
    @api.depends(
        "product_variant_ids.abc_class",
        "product_variant_ids.xyz_class",
        "product_variant_ids.abc_xyz_date",
    )
    def _compute_abc_xyz(self):
        """Show the classes of the variant on single-variant templates."""
        for template in self:
            variant = template.product_variant_ids[:1]
            template.abc_class = variant.abc_class
            template.xyz_class = variant.xyz_class
            template.abc_xyz_date = variant.abc_xyz_date
