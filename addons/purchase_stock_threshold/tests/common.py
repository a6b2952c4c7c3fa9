from odoo.addons.stock_threshold.tests.common import ThresholdCommon


class ReorderCommon(ThresholdCommon):
    """Thresholds fixtures plus two vendors; ``product`` and ``product_2``
    are bought from ``vendor`` at 10 and 4, no minimum, no lead time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.vendor = Partner.create({"name": "Reorder Vendor", "email": "v@x.test"})
        cls.vendor_2 = Partner.create({"name": "Reorder Vendor 2"})
        cls.dozen = cls.env.ref("uom.product_uom_dozen")
        cls.Rule = cls.env["stock.threshold.rule"]
        cls.PurchaseOrder = cls.env["purchase.order"]
        cls._add_seller(cls.product, cls.vendor, price=10)
        cls._add_seller(cls.product_2, cls.vendor, price=4)

    @classmethod
    def _add_seller(cls, product, vendor, **values):
        return cls.env["product.supplierinfo"].create(
            {
                "partner_id": vendor.id,
                "product_tmpl_id": product.product_tmpl_id.id,
                **values,
            }
        )

    @classmethod
    def _create_rule(cls, **values):
        return super()._create_rule(**{"reorder_policy": "draft", **values})

    @classmethod
    def _deliver(cls, warehouse, lines):
        """A delivery, done (fixtures of usage)."""
        return cls._validate(cls._delivery(warehouse, lines))

    def _proposal(self, product, warehouse=None):
        proposals = self.Rule.get_reorder_proposals(
            warehouse_ids=(warehouse or self.wh_a).ids, product_ids=product.ids
        )
        self.assertEqual(len(proposals), 1, proposals)
        return proposals[0]

    def _run(self, warehouses=None, products=None, **kwargs):
        """Reorder in the fixtures' warehouses only (a database may have
        other rules, from demo data say)."""
        return self.Rule.run_reordering(
            warehouse_ids=(warehouses or self.wh_a | self.wh_b).ids,
            product_ids=products.ids if products else None,
            **kwargs,
        )

    def _lines(self, product, warehouse=None):
        return self.env["purchase.order.line"].search(
            [
                ("product_id", "=", product.id),
                (
                    "order_id.picking_type_id",
                    "=",
                    (warehouse or self.wh_a).in_type_id.id,
                ),
            ]
        )
