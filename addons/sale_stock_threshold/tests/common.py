from odoo import Command

from odoo.addons.stock_threshold.tests.common import ThresholdCommon


class SaleThresholdCommon(ThresholdCommon):
    """Thresholds fixtures plus a customer and two salespeople without
    Inventory rights, one of them a sales manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Threshold Customer"})
        cls.salesman = cls._create_user(
            "sst_salesman", "sales_team.group_sale_salesman"
        )
        cls.sale_manager = cls._create_user(
            "sst_sale_manager", "sales_team.group_sale_manager"
        )
        cls.dozen = cls.env.ref("uom.product_uom_dozen")

    @classmethod
    def _create_user(cls, login, group):
        return cls.env["res.users"].create(
            {
                "name": login,
                "login": login,
                "email": f"{login}@example.com",
                "groups_id": [Command.set(cls.env.ref(group).ids)],
            }
        )

    @classmethod
    def _create_order(cls, lines, warehouse=None, confirm=False, **values):
        """A quotation from ``lines`` ``[(product, qty, uom or None)]``."""
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "warehouse_id": (warehouse or cls.wh_a).id,
                "user_id": cls.salesman.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "product_uom": (uom or product.uom_id).id,
                        }
                    )
                    for product, qty, uom in lines
                ],
                **values,
            }
        )
        if confirm:
            order.action_confirm()
        return order
