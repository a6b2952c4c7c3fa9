from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tools import SQL

from odoo.addons.base.tests.common import BaseCommon


class AnalyticsCommon(BaseCommon):
    """Two warehouses of the current company, a FIFO and a standard-cost
    category, storable products; no stock. Moves are made done then dated
    back by SQL (their date, their lines' and their valuation layers')."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.today = fields.Date.context_today(cls.env["stock.analytics"])
        Warehouse = cls.env["stock.warehouse"]
        cls.wh_1 = Warehouse.create({"name": "Analytics 1", "code": "AN1"})
        cls.wh_2 = Warehouse.create({"name": "Analytics 2", "code": "AN2"})
        cls.shelf_1 = cls.env["stock.location"].create(
            {"name": "Shelf", "location_id": cls.wh_1.lot_stock_id.id}
        )
        cls.supplier = cls.env.ref("stock.stock_location_suppliers")
        cls.customer = cls.env.ref("stock.stock_location_customers")
        cls.transit = cls.company.internal_transit_location_id
        Category = cls.env["product.category"]
        cls.categ_fifo = Category.create(
            {
                "name": "Analytics FIFO",
                "property_cost_method": "fifo",
                "property_valuation": "manual_periodic",
            }
        )
        cls.categ_std = Category.create(
            {
                "name": "Analytics Standard",
                "property_cost_method": "standard",
                "property_valuation": "manual_periodic",
            }
        )
        cls.product = cls._create_product("Analytics FIFO", cls.categ_fifo)
        cls.product_std = cls._create_product(
            "Analytics Standard", cls.categ_std, standard_price=4.0
        )
        cls.analytics = cls.env["stock.analytics"]

    @classmethod
    def _create_product(cls, name, categ, **values):
        return cls.env["product.product"].create(
            {"name": name, "is_storable": True, "categ_id": categ.id, **values}
        )

    @classmethod
    def _move(cls, product, src, dest, qty, days_ago, price_unit=None, **values):
        """A done move of ``qty`` from ``src`` to ``dest``, ``days_ago`` days
        before today at noon, in the company of ``src`` or ``dest``."""
        company = src.company_id or dest.company_id
        move = (
            cls.env["stock.move"]
            .with_company(company)
            .create(
                {
                    "name": product.name,
                    "product_id": product.id,
                    "product_uom_qty": qty,
                    "location_id": src.id,
                    "location_dest_id": dest.id,
                    **({"price_unit": price_unit} if price_unit is not None else {}),
                    **values,
                }
            )
        )
        move._action_confirm()
        move._action_assign()
        move.quantity = qty
        move.picked = True
        move._action_done()
        cls._date_back(move, days_ago)
        return move

    @classmethod
    def _date_back(cls, moves, days_ago):
        """Date ``moves``, their lines and layers ``days_ago`` days back (at
        noon), or at ``days_ago`` when it is a (UTC) datetime."""
        date = (
            days_ago
            if isinstance(days_ago, datetime)
            else datetime.combine(cls.today - timedelta(days=days_ago), time(12))
        )
        cls.env.flush_all()
        cr = cls.env.cr
        cr.execute(
            SQL("UPDATE stock_move SET date = %s WHERE id = ANY(%s)", date, moves.ids)
        )
        cr.execute(
            SQL(
                "UPDATE stock_move_line SET date = %s WHERE move_id = ANY(%s)",
                date,
                moves.ids,
            )
        )
        cr.execute(
            SQL(
                "UPDATE stock_valuation_layer SET create_date = %s"
                " WHERE stock_move_id = ANY(%s)",
                date,
                moves.ids,
            )
        )
        cr.execute(
            SQL(
                "UPDATE stock_quant SET in_date = %s WHERE in_date > %s"
                " AND product_id = ANY(%s)",
                date,
                date,
                moves.product_id.ids,
            )
        )
        cls.env.invalidate_all()

    @classmethod
    def _days_ago(cls, months_ago, day=10):
        """Days between today and ``day`` of the month ``months_ago`` back."""
        date = cls.today.replace(day=1) - relativedelta(months=months_ago)
        return (cls.today - date.replace(day=day)).days

    @classmethod
    def _sell(cls, product, warehouse, qty, price, days_ago):
        """A confirmed sale order line, delivered ``days_ago`` days back."""
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.partner.id,
                "warehouse_id": warehouse.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "price_unit": price,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        moves = order.picking_ids.move_ids
        for move in moves:
            move.quantity = move.product_uom_qty
        moves.picked = True
        order.picking_ids._action_done()
        cls._date_back(moves, days_ago)
        return order.order_line

    @classmethod
    def _receive(cls, product, warehouse, qty, days_ago, price_unit):
        return cls._move(
            product, cls.supplier, warehouse.lot_stock_id, qty, days_ago, price_unit
        )

    @classmethod
    def _deliver(cls, product, warehouse, qty, days_ago, **values):
        return cls._move(
            product, warehouse.lot_stock_id, cls.customer, qty, days_ago, **values
        )

    @classmethod
    def _adjust(cls, product, location, qty, days_ago):
        """An inventory adjustment adding ``qty`` (applied through the quant)."""
        quant = cls.env["stock.quant"].search(
            [("product_id", "=", product.id), ("location_id", "=", location.id)]
        ) or cls.env["stock.quant"].create(
            {"product_id": product.id, "location_id": location.id}
        )
        quant.inventory_quantity = quant.quantity + qty
        quant.action_apply_inventory()
        move = cls.env["stock.move"].search(
            [("product_id", "=", product.id), ("is_inventory", "=", True)],
            order="id desc",
            limit=1,
        )
        cls._date_back(move, days_ago)
        return move

    @classmethod
    def _transfer(cls, product, wh_from, wh_to, qty, days_ago):
        """An inter-warehouse transfer through the transit location."""
        cls._move(product, wh_from.lot_stock_id, cls.transit, qty, days_ago + 1)
        return cls._move(product, cls.transit, wh_to.lot_stock_id, qty, days_ago)


class AgingCommon(AnalyticsCommon):
    """FIFO product: 10 @ 5 (200 days ago), 10 @ 6 (100), adjustment +5 @ 7
    (45), delivery of 12 (20), 3 sent to warehouse 2 (arriving 10 days ago).
    Warehouse 1 keeps the adjustment and 5 of the second receipt, warehouse 2
    the 3 transferred units; the company's layers keep 8 @ 6 and 5 @ 7."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        p = cls.product
        cls._receive(p, cls.wh_1, 10, 200, 5.0)
        cls._receive(p, cls.wh_1, 10, 100, 6.0)
        p.standard_price = 7.0
        cls._adjust(p, cls.wh_1.lot_stock_id, 5, 45)
        cls._deliver(p, cls.wh_1, 12, 20)
        cls._transfer(p, cls.wh_1, cls.wh_2, 3, 10)
        cls._receive(cls.product_std, cls.wh_1, 4, 5, 4.0)
