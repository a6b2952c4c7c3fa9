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
        """Show the classes of the variant on single-variant templates only:
        the variants of a template are classified apart."""
        for fname in ("abc_class", "xyz_class", "abc_xyz_date"):
            self._compute_template_field_from_variant_field(fname)
