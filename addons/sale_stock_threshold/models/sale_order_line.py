from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import float_compare

from odoo.addons.stock_threshold.tools.status import STATUS_SELECTION

WARNING_SELECTION = [
    ("none", "None"),
    ("below_min", "Below minimum"),
    ("below_safety", "Below safety stock"),
    ("unavailable", "Not available by date"),
]
# Order states whose lines are shown a position; their quantities are
# committed (in the outgoing moves) once the order is confirmed.
POSITION_STATES = ("draft", "sent", "sale")


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    threshold_free = fields.Float(
        string="Free",
        compute="_compute_threshold_position",
        digits="Product Unit of Measure",
        help="Free quantity of the product in the line's warehouse (product unit).",
    )
    threshold_forecast = fields.Float(
        string="Forecast",
        compute="_compute_threshold_position",
        digits="Product Unit of Measure",
        help="On hand plus incoming minus outgoing in the warehouse, confirmed "
        "orders included (product unit).",
    )
    threshold_min_qty = fields.Float(
        string="Minimum",
        compute="_compute_threshold_position",
        digits="Product Unit of Measure",
    )
    threshold_safety_qty = fields.Float(
        string="Safety Stock",
        compute="_compute_threshold_position",
        digits="Product Unit of Measure",
    )
    threshold_status = fields.Selection(
        STATUS_SELECTION,
        string="Stock Status",
        compute="_compute_threshold_position",
    )
    threshold_projected_qty = fields.Float(
        string="Forecast after Confirmation",
        compute="_compute_threshold_position",
        digits="Product Unit of Measure",
        help="The forecast minus the quantities of this order that are not "
        "committed yet, all lines of the product summed.",
    )
    threshold_available_qty = fields.Float(
        string="Available by Date",
        compute="_compute_threshold_position",
        digits="Product Unit of Measure",
        help="Free quantity plus what is expected in the warehouse by the "
        "commitment date, or else the expected date.",
    )
    threshold_warning = fields.Selection(
        WARNING_SELECTION,
        string="Stock Warning",
        compute="_compute_threshold_position",
    )
    threshold_warning_message = fields.Char(
        string="Stock Warning Details", compute="_compute_threshold_position"
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends(
        "product_id",
        "product_uom_qty",
        "product_uom",
        "customer_lead",
        "warehouse_id",
        "order_id.state",
        "order_id.commitment_date",
        "order_id.order_line.product_id",
        "order_id.order_line.product_uom_qty",
        "order_id.order_line.product_uom",
    )
    def _compute_threshold_position(self):
        """Figures and warnings of all the lines from one ``get_positions``
        call, one read of the incoming quantities per warehouse and date and
        the order lines already in memory."""
        lines = self._get_threshold_lines()
        for line in self - lines:
            line.update(line._prepare_threshold_values(None, 0.0, 0.0))
        if not lines:
            return
        positions = lines._get_threshold_positions()
        incoming = lines._get_threshold_incoming()
        demand = lines._get_threshold_demand()
        for line in lines:
            key = (line.product_id.id, line.warehouse_id.id)
            values = line._prepare_threshold_values(
                positions[key], incoming[line], demand[line.order_id, key]
            )
            line.update(values)

    # ------------------------------------------------------------------
    # Onchanges
    # ------------------------------------------------------------------
    @api.onchange("product_id", "product_uom_qty", "product_uom")
    def _onchange_threshold_warning(self):
        """Tell the salesperson at once when the line breaches a threshold."""
        if self.threshold_warning in (False, "none"):
            return None
        return {
            "warning": {
                "title": self.env._(
                    "Stock warning for %(product)s", product=self.product_id.name
                ),
                "message": self.threshold_warning_message,
                "type": "notification",
            }
        }

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------
    def _get_threshold_lines(self):
        """The lines that have a position: storable products of a warehouse
        of the user's allowed companies on a quotation or a sale order.

        The company test matters in superuser mode, where ``get_positions``
        reads each warehouse with its own company whatever the user's.
        """
        companies = self.env.companies
        return self.filtered(
            lambda line: (
                line.product_id.is_storable
                and line.warehouse_id.company_id in companies
                and line.order_id.state in POSITION_STATES
            )
        )

    def _get_threshold_positions(self):
        """``{(product_id, warehouse_id): position}`` in one call.

        Read in superuser mode: salespeople without Inventory rights see the
        figures of the products they sell in the warehouses of their own
        orders, for their allowed companies only (``env.companies`` is kept
        by ``sudo``); no rule or stock record is exposed to them.
        """
        positions = (
            self.env["stock.position"]
            .sudo()
            .get_positions(
                product_ids=self.product_id.ids, warehouse_ids=self.warehouse_id.ids
            )
        )
        return {(row["product_id"], row["warehouse_id"]): row for row in positions}

    def _get_threshold_date(self):
        """The date the customer expects the goods: the commitment date,
        else the expected date (as Odoo's own availability widget)."""
        self.ensure_one()
        return self.order_id.commitment_date or self._expected_date()

    def _get_threshold_incoming(self):
        """``{line: quantity}`` expected in the line's warehouse by its date,
        read through Odoo's own ``incoming_qty`` per warehouse and date."""
        groups = defaultdict(list)
        for line in self:
            groups[line.warehouse_id.id, line._get_threshold_date()].append(line)
        incoming = {}
        for (warehouse_id, date), lines in groups.items():
            products = (
                self.env["product.product"]
                .sudo()
                .browse({line.product_id.id for line in lines})
                .with_context(warehouse_id=warehouse_id, to_date=date)
            )
            quantities = {product.id: product.incoming_qty for product in products}
            for line in lines:
                incoming[line] = quantities[line.product_id.id]
        return incoming

    def _get_threshold_demand(self):
        """``{(order, (product_id, warehouse_id)): quantity}`` that confirming
        the orders would add to the outgoing quantities of each warehouse, in
        the product's unit."""
        demand = defaultdict(float)
        for line in self.order_id.order_line:
            if line.product_id and line.state in POSITION_STATES:
                quantity = line._get_threshold_uncommitted_qty()
                key = (line.product_id.id, line.warehouse_id.id)
                demand[line.order_id, key] += quantity
        return demand

    def _get_threshold_uncommitted_qty(self):
        """Quantity of the line not yet in stock moves, in the product's
        unit: all of it on a quotation, the increase not yet procured on a
        confirmed order."""
        self.ensure_one()
        quantity = self.product_uom_qty
        if self.state == "sale" and self._origin:
            quantity -= self._origin._get_qty_procurement()
        quantity = max(quantity, 0.0)
        return self.product_uom._compute_quantity(
            quantity, self.product_id.uom_id, rounding_method="HALF-UP"
        )

    def _prepare_threshold_values(self, position, incoming, demand):
        """Field values of the line from its position (``None`` when it has
        none), its incoming quantity by date and its order's demand."""
        if position is None:
            return {
                "threshold_free": 0.0,
                "threshold_forecast": 0.0,
                "threshold_min_qty": 0.0,
                "threshold_safety_qty": 0.0,
                "threshold_status": False,
                "threshold_projected_qty": 0.0,
                "threshold_available_qty": 0.0,
                "threshold_warning": "none",
                "threshold_warning_message": False,
            }
        projected = position["forecast"] - demand
        available = position["free"] + incoming
        warnings = self._get_threshold_warnings(position, projected, available, demand)
        return {
            "threshold_free": position["free"],
            "threshold_forecast": position["forecast"],
            "threshold_min_qty": position["min_qty"],
            "threshold_safety_qty": position["safety_qty"],
            "threshold_status": position["status"],
            "threshold_projected_qty": projected,
            "threshold_available_qty": available,
            "threshold_warning": next(iter(warnings), "none"),
            "threshold_warning_message": " ".join(warnings.values()) or False,
        }

    def _get_threshold_warnings(self, position, projected, available, demand):
        """``{code: message}`` of the breaches, worst first: not available by
        the date, then below safety stock, then below minimum (governed
        products only)."""
        self.ensure_one()
        rounding = self.product_id.uom_id.rounding
        uom = self.product_id.uom_id.name
        warnings = {}
        if demand and float_compare(demand, available, precision_rounding=rounding) > 0:
            warnings["unavailable"] = self.env._(
                "Only %(available)s %(uom)s available by %(date)s for %(demand)s "
                "%(uom)s ordered.",
                available=available,
                uom=uom,
                date=fields.Date.to_date(self._get_threshold_date()),
                demand=demand,
            )
        if not position["rule_id"] or not demand:
            return warnings
        for code, level, level_name in (
            ("below_safety", position["safety_qty"], self.env._("safety stock")),
            ("below_min", position["min_qty"], self.env._("minimum")),
        ):
            if float_compare(projected, level, precision_rounding=rounding) < 0:
                warnings[code] = self.env._(
                    "Confirming brings the forecast to %(projected)s %(uom)s, "
                    "below the %(level_name)s of %(level)s %(uom)s.",
                    projected=projected,
                    uom=uom,
                    level_name=level_name,
                    level=level,
                )
                break
        return warnings

    def _get_threshold_summary(self):
        """One text line per line: product and warning (for messages)."""
        return "\n".join(
            f"- {line.order_id.name}, {line.product_id.display_name}: "
            f"{line.threshold_warning_message}"
            for line in self
        )
