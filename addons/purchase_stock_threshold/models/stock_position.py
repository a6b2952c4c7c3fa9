from collections import defaultdict

from odoo import models
from odoo.tools import SQL

# Purchase order states whose lines have no stock move yet.
RFQ_STATES = ("draft", "sent", "to approve")


class StockPosition(models.AbstractModel):
    _inherit = "stock.position"

    def _get_draft_quantities(self, keys):
        """Quantities in requests for quotation per (product, scope), in the
        product's unit: lines of RFQs whose receipt type delivers into the
        scope. One query for any number of keys."""
        result = super()._get_draft_quantities(keys)
        if not keys:
            return result
        products = sorted({product_id for product_id, _scope in keys})
        scopes = sorted({scope_id for _product, scope_id in keys})
        self.env["purchase.order.line"].flush_model(
            ["product_uom_qty", "product_id", "order_id", "display_type"]
        )
        self.env["purchase.order"].flush_model(["state", "picking_type_id"])
        self.env.cr.execute(self._draft_quantities_query(products, scopes))
        wanted = set(keys)
        drafts = defaultdict(float, result)
        for product_id, scope_id, quantity in self.env.cr.fetchall():
            if (product_id, scope_id) in wanted:
                drafts[product_id, scope_id] += quantity
        return dict(drafts)

    def _draft_quantities_query(self, product_ids, scope_ids):
        """``(product_id, scope_id, quantity)`` of the RFQ lines delivering
        into the scopes (children included); drop-shipped RFQs excluded."""
        return SQL(
            """
SELECT l.product_id, s.id, SUM(l.product_uom_qty)::float8
  FROM purchase_order_line l
  JOIN purchase_order o ON o.id = l.order_id
  JOIN stock_picking_type t ON t.id = o.picking_type_id
  JOIN stock_location d ON d.id = t.default_location_dest_id
  JOIN stock_location s ON s.id = ANY(%(scopes)s)
       AND starts_with(d.parent_path, s.parent_path)
 WHERE o.state IN %(states)s AND o.dest_address_id IS NULL
   AND l.display_type IS NULL AND l.product_id = ANY(%(products)s)
   AND o.company_id = ANY(%(companies)s)
 GROUP BY l.product_id, s.id""",
            scopes=scope_ids,
            states=RFQ_STATES,
            products=product_ids,
            companies=self.env.companies.ids,
        )
