from collections import defaultdict

from odoo import fields, models
from odoo.tools import float_round


class StockThresholdRebalance(models.AbstractModel):
    """Rebalance before buying: a warehouse that needs a product takes it
    first from the warehouses that resupply it (Odoo's resupply routes,
    through the transit location) where the product is above its maximum.
    Called by ``stock.threshold.reorder`` on the same needs and proposals."""

    _name = "stock.threshold.rebalance"
    _description = "Stock Threshold Rebalancing"

    def _prepare_transfers(self, needs, products, alerts):
        """One transfer proposal per need and surplus warehouse, up to the
        surplus; the rows record what the transfers cover."""
        if self.env.company.threshold_rebalance == "none":
            return []
        Reorder = self.env["stock.threshold.reorder"]
        transfers = []
        surpluses = self._get_surpluses(needs)
        for row in needs:
            product = products[row["product_id"]]
            alert = alerts.get((row["product_id"], row["scope_id"]))
            if Reorder._get_skipped_reason(row, alert):
                continue
            for source in row["warehouse"].resupply_wh_ids:
                need = Reorder._get_need(row, product)
                surplus = surpluses.get((product.id, source.id), 0.0)
                quantity = float_round(
                    min(need, surplus),
                    precision_rounding=product.uom_id.rounding,
                    rounding_method="DOWN",
                )
                if quantity <= 0:
                    continue
                surpluses[product.id, source.id] -= quantity
                row["transferred"] = row.get("transferred", 0.0) + quantity
                transfers.append(
                    self._prepare_transfer(row, product, alert, source, quantity)
                )
        return transfers

    def _get_surpluses(self, needs):
        """``{(product_id, warehouse_id): quantity}`` above the maximum of
        the governing rule (plus the company's margin) in the warehouses that
        resupply the needs: one positions query for all of them."""
        warehouses = self.env["stock.warehouse"].browse(
            list({row["warehouse"].id for row in needs})
        )
        sources = warehouses.resupply_wh_ids
        if not sources:
            return {}
        by_scope = {wh.view_location_id.id: wh for wh in sources}
        rows = self.env["stock.position"]._read_positions(
            list(by_scope),
            list({row["product_id"] for row in needs}),
            pairs="governed",
        )
        keep = 1 + self.env.company.threshold_rebalance_margin / 100.0
        surpluses = defaultdict(float)
        for row in rows:
            if row["max_qty"] > 0 and row["forecast"] > row["max_qty"] * keep:
                product_id, scope_id = row["key"]
                key = (product_id, by_scope[scope_id].id)
                surpluses[key] = row["forecast"] - row["max_qty"] * keep
        return surpluses

    def _prepare_transfer(self, row, product, alert, source, quantity):
        """The proposal of a transfer from a surplus warehouse."""
        proposal = self.env["stock.threshold.reorder"]._prepare_proposal_base(
            row, alert
        )
        proposal.update(
            source_warehouse_id=source.id,
            quantity=quantity,
            uom_id=product.uom_id.id,
            date_planned=fields.Datetime.now(),
            explanation=self.env._(
                "%(quantity)s %(uom)s transferred from %(warehouse)s, above its "
                "maximum, before buying.",
                quantity=quantity,
                uom=product.uom_id.name,
                warehouse=source.name,
            ),
        )
        return proposal

    def _run_transfers(self, transfers):
        """Run one procurement per transfer through the resupply route of
        the two warehouses, in one procurement group: Odoo creates the
        picking out of the source warehouse and the receipt from transit.
        Returns the pickings' ids."""
        Group = self.env["procurement.group"]
        origin = self.env["stock.threshold.reorder"]._get_origin()
        group = Group.create({"name": origin})
        Group.run([self._prepare_procurement(t, group, origin) for t in transfers])
        return group.stock_move_ids.picking_id.ids

    def _prepare_procurement(self, transfer, group, origin):
        """The procurement of a transfer, routed by the resupply route."""
        Warehouse = self.env["stock.warehouse"]
        warehouse = Warehouse.browse(transfer["warehouse_id"])
        source = Warehouse.browse(transfer["source_warehouse_id"])
        product = self.env["product.product"].browse(transfer["product_id"])
        route = warehouse.resupply_route_ids.filtered(
            lambda r: r.supplier_wh_id == source
        )
        return self.env["procurement.group"].Procurement(
            product,
            transfer["quantity"],
            product.uom_id,
            warehouse.lot_stock_id,
            product.display_name,
            origin,
            self.env.company,
            {
                "warehouse_id": warehouse,
                "route_ids": route,
                "group_id": group,
                "date_planned": transfer["date_planned"],
            },
        )
