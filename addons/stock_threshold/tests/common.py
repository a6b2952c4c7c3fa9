import json

from odoo import Command

from odoo.addons.base.tests.common import BaseCommon


class ThresholdCommon(BaseCommon):
    """Two warehouses (B resupplied from A through the transit location),
    a category tree and storable products; no stock, no rule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        Warehouse = cls.env["stock.warehouse"]
        cls.wh_a = Warehouse.create({"name": "Threshold A", "code": "THA"})
        cls.wh_b = Warehouse.create(
            {
                "name": "Threshold B",
                "code": "THB",
                "resupply_wh_ids": [Command.link(cls.wh_a.id)],
            }
        )
        cls.shelf_a = cls.env["stock.location"].create(
            {"name": "Shelf 1", "location_id": cls.wh_a.lot_stock_id.id}
        )
        cls.supplier_loc = cls.env.ref("stock.stock_location_suppliers")
        cls.customer_loc = cls.env.ref("stock.stock_location_customers")
        Category = cls.env["product.category"]
        cls.categ_parent = Category.create({"name": "Threshold Parent"})
        cls.categ_child = Category.create(
            {"name": "Threshold Child", "parent_id": cls.categ_parent.id}
        )
        cls.product = cls._create_product("Threshold Plain", cls.categ_child)
        cls.product_2 = cls._create_product("Threshold Other", cls.categ_parent)

    @classmethod
    def _create_product(cls, name, categ, **values):
        return cls.env["product.product"].create(
            {"name": name, "is_storable": True, "categ_id": categ.id, **values}
        )

    @classmethod
    def _add_stock(cls, product, location, quantity, **kwargs):
        cls.env["stock.quant"]._update_available_quantity(
            product, location, quantity, **kwargs
        )

    @classmethod
    def _create_picking(cls, picking_type, src, dest, lines, confirm=True):
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": src.id,
                "location_dest_id": dest.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "product_uom": (uom or product.uom_id).id,
                            "location_id": src.id,
                            "location_dest_id": dest.id,
                        }
                    )
                    for product, qty, uom in lines
                ],
            }
        )
        if confirm:
            picking.action_confirm()
        return picking

    @classmethod
    def _receipt(cls, warehouse, lines, **kwargs):
        return cls._create_picking(
            warehouse.in_type_id,
            cls.supplier_loc,
            warehouse.lot_stock_id,
            lines,
            **kwargs,
        )

    @classmethod
    def _delivery(cls, warehouse, lines, **kwargs):
        return cls._create_picking(
            warehouse.out_type_id,
            warehouse.lot_stock_id,
            cls.customer_loc,
            lines,
            **kwargs,
        )

    @classmethod
    def _create_rule(cls, **values):
        defaults = {
            "scope_type": "warehouse",
            "warehouse_id": cls.wh_a.id,
            "product_scope": "product",
            "product_id": cls.product.id,
            "safety_value": 5,
            "min_value": 10,
            "max_value": 100,
        }
        return cls.env["stock.threshold.rule"].create({**defaults, **values})

    @classmethod
    def _validate(cls, picking):
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking._action_done()
        return picking

    def _status(self, product, location):
        return self.env["stock.threshold.status"].search(
            [("product_id", "=", product.id), ("location_id", "=", location.id)]
        )


class JsonRpcMixin:
    """For HttpCase tests of the external API: ``execute_kw`` through
    Odoo's ``/jsonrpc`` route, as a JSON-RPC client calls it."""

    def _jsonrpc_execute_kw(self, uid, password, model, method, args, kwargs=None):
        """The decoded JSON-RPC answer (``result`` or ``error``)."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [self.env.cr.dbname, uid, password, model, method, args]
                + ([kwargs] if kwargs is not None else []),
            },
        }
        response = self.url_open(
            "/jsonrpc",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        return response.json()
