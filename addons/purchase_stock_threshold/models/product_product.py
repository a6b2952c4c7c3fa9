from odoo import models


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _compute_display_name(self):
        """Under a ``seller_id``, Odoo names a product after that vendor
        price only and does not use the vendor prices of the ``partner_id``
        that it nevertheless searches, one query per product. Threshold
        reordering names its RFQ lines with Odoo's line preparation, one
        product at a time: in its context (``threshold_seller_name``), the
        name is Odoo's, computed without the partner, from the prefetched
        vendor prices, without a query."""
        context = self.env.context
        if not (
            context.get("threshold_seller_name")
            and context.get("seller_id")
            and context.get("partner_id")
        ):
            return super()._compute_display_name()
        # The records are being computed: Odoo's compute assigns the names
        # in the context without the partner, and they are copied.
        named = self.with_context(partner_id=False)
        super(ProductProduct, named)._compute_display_name()
        for product, product_named in zip(self, named, strict=True):
            product.display_name = product_named.display_name
        return None
