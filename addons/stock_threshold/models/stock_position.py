from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_round

from ..tools.status import classify, days_of_cover, levels_for

OPEN_MOVE_STATES = ("waiting", "confirmed", "assigned", "partially_available")
FIGURES = (
    "on_hand",
    "reserved",
    "free",
    "incoming",
    "in_transit",
    "on_order",
    "draft_ordered",
    "outgoing",
    "forecast",
    "daily_usage",
)


class StockPosition(models.AbstractModel):
    """Live stock positions of products per warehouse or location subtree.

    Every figure is computed by one set-based query for a whole set of
    products and scopes, with the same semantics as Odoo's own quantity
    fields (``qty_available``, ``free_qty``, ``incoming_qty``,
    ``outgoing_qty``, ``virtual_available``) read with a ``location`` or
    ``warehouse_id`` context.
    """

    _name = "stock.position"
    _description = "Stock Position"

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------
    @api.model
    def get_positions(self, product_ids=None, warehouse_ids=None, location_ids=None):
        """Return the live positions, one dict per product and scope.

        Scopes are the given warehouses and internal locations (children
        included); without any, every warehouse of the allowed companies.
        Without ``product_ids``, the products that have stock, open moves,
        usage or a threshold status in the scopes are returned.
        """
        self._check_position_access()
        scopes = self._get_scopes(warehouse_ids, location_ids)
        location_ids = [location.id for _key, _id, location in scopes]
        # Unknown ids give no rows, not every product.
        product_ids = (
            self.env["product.product"].browse(product_ids).exists().ids
            if product_ids
            else None
        )
        positions = self._read_positions(location_ids, product_ids)
        if product_ids is None:
            self._add_status_pairs(positions, location_ids)
        self._add_rules_and_status(positions)
        by_location = defaultdict(list)
        for key in sorted(positions):
            by_location[key[1]].append(key)
        return [
            self._format_position(key, positions[key], scope_key, scope_id)
            for scope_key, scope_id, location in scopes
            for key in by_location[location.id]
        ]

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------
    def _check_position_access(self):
        """Positions are reserved to the Thresholds users (an abstract model
        has no access rules of its own)."""
        if not self.env.user.has_group("stock_threshold.group_threshold_user"):
            raise AccessError(
                self.env._("Only Thresholds users can read stock positions.")
            )

    def _get_scopes(self, warehouse_ids=None, location_ids=None):
        """Return ``[(scope_key, scope_id, location)]``: a warehouse scope is
        its view location, a location scope the location itself."""
        Warehouse = self.env["stock.warehouse"]
        if warehouse_ids:
            warehouses = Warehouse.browse(warehouse_ids).exists()
        elif location_ids:
            warehouses = Warehouse
        else:
            warehouses = Warehouse.search(
                [("company_id", "in", self.env.companies.ids)]
            )
        locations = self.env["stock.location"].browse(location_ids or []).exists()
        invalid = locations.filtered(lambda loc: loc.usage not in ("internal", "view"))
        if invalid:
            raise UserError(
                self.env._(
                    "Positions are computed for warehouses and internal locations "
                    "only, not for %(locations)s.",
                    locations=", ".join(invalid.mapped("complete_name")),
                )
            )
        return [("warehouse_id", wh.id, wh.view_location_id) for wh in warehouses] + [
            ("location_id", loc.id, loc) for loc in locations
        ]

    def _get_draft_quantities(self, keys):
        """Quantities in draft requests for quotation per (product, scope).

        Filled by the purchase integration; empty here because draft RFQs have
        no stock moves yet and Odoo does not count them in its forecast.
        """
        return {}

    # ------------------------------------------------------------------
    # Computation
    # ------------------------------------------------------------------
    def _read_positions(self, location_ids, product_ids=None, extra_keys=(), now=None):
        """Return ``{(product_id, location_id): figures}`` for the scopes.

        With ``product_ids``, every requested product gets a row in every
        scope (zeros included); without, only products with activity, plus
        the ``(product_id, location_id)`` pairs of ``extra_keys``.
        """
        now = now or fields.Datetime.now()
        positions = {key: self._empty_position() for key in extra_keys}
        if product_ids is not None:
            for product_id in product_ids:
                for location_id in location_ids:
                    positions[product_id, location_id] = self._empty_position()
        if not location_ids or product_ids == []:
            return positions
        self.env.flush_all()
        query = self._positions_query(location_ids, product_ids, now)
        self.env.cr.execute(query)
        for (
            kind,
            product_id,
            location_id,
            day,
            qty1,
            qty2,
            qty3,
        ) in self.env.cr.fetchall():
            position = positions.setdefault(
                (product_id, location_id), self._empty_position()
            )
            self._add_row(position, kind, day, qty1, qty2, qty3)
        self._finalize_positions(positions)
        return positions

    def _empty_position(self):
        position = dict.fromkeys(FIGURES, 0.0)
        position["incoming_by_day"] = defaultdict(float)
        return position

    def _add_row(self, position, kind, day, qty1, qty2, qty3):
        """Fold one row of the positions query into a position."""
        if kind == "quant":
            position["on_hand"] += qty1
            position["reserved"] += qty2
        elif kind == "in":
            position["incoming"] += qty1
            position["on_order"] += qty2
            position["in_transit"] += qty3
            position["incoming_by_day"][day] += qty1
        elif kind == "out":
            position["outgoing"] += qty1
        elif kind == "usage":
            position["daily_usage"] += qty1

    def _finalize_positions(self, positions):
        """Round like Odoo (product unit rounding) and derive free, forecast
        and daily usage."""
        product_ids = list({key[0] for key in positions})
        roundings = self._get_uom_roundings(product_ids)
        usage_days = self._get_usage_days()
        drafts = self._get_draft_quantities(list(positions))
        for key, position in positions.items():
            rounding = roundings.get(key[0], 0.01)
            for name in ("on_hand", "reserved", "incoming", "in_transit", "on_order"):
                position[name] = float_round(
                    position[name], precision_rounding=rounding
                )
            position["outgoing"] = float_round(
                position["outgoing"], precision_rounding=rounding
            )
            position["draft_ordered"] = drafts.get(key, 0.0)
            position["free"] = float_round(
                position["on_hand"] - position["reserved"], precision_rounding=rounding
            )
            position["forecast"] = float_round(
                position["on_hand"] + position["incoming"] - position["outgoing"],
                precision_rounding=rounding,
            )
            position["daily_usage"] = position["daily_usage"] / usage_days

    def _get_uom_roundings(self, product_ids):
        if not product_ids:
            return {}
        self.env.cr.execute(
            SQL(
                """SELECT p.id, u.rounding FROM product_product p
                   JOIN product_template t ON t.id = p.product_tmpl_id
                   JOIN uom_uom u ON u.id = t.uom_id WHERE p.id = ANY(%s)""",
                product_ids,
            )
        )
        return dict(self.env.cr.fetchall())

    def _get_usage_days(self):
        return max(self.env.company.threshold_usage_days, 1)

    def _positions_query(self, location_ids, product_ids, now):
        """One query for quants, open moves in and out, and usage.

        Rows: ``(kind, product_id, scope_id, day, qty1, qty2, qty3)`` where
        kind is quant (on hand, reserved), in (incoming, on order, in
        transit; ``day`` = days from now to the scheduled date), out
        (outgoing) or usage (quantity that left the scope in the window).
        """
        company_ids = self.env.companies.ids
        since = now - timedelta(days=self._get_usage_days())

        def product_filter(alias):
            if product_ids is None:
                return SQL("")
            return SQL(
                "AND %s = ANY(%s)", SQL.identifier(alias, "product_id"), product_ids
            )

        # Odoo's uom conversion: quantity / move unit factor * product unit factor
        uom_joins = SQL(
            """JOIN uom_uom mu ON mu.id = m.product_uom
               JOIN product_product pp ON pp.id = m.product_id
               JOIN product_template pt ON pt.id = pp.product_tmpl_id
               JOIN uom_uom pu ON pu.id = pt.uom_id"""
        )
        return SQL(
            """
WITH scope AS (
    SELECT id AS scope_id, parent_path FROM stock_location WHERE id = ANY(%(locations)s)
), loc_scope AS (
    SELECT l.id AS location_id, s.scope_id
      FROM stock_location l JOIN scope s ON starts_with(l.parent_path, s.parent_path)
), quant AS (
    SELECT q.product_id, ls.scope_id, SUM(q.quantity) AS on_hand,
           SUM(q.reserved_quantity) AS reserved
      FROM stock_quant q JOIN loc_scope ls ON ls.location_id = q.location_id
     WHERE q.company_id = ANY(%(companies)s) %(quant_filter)s
     GROUP BY q.product_id, ls.scope_id
), open_move AS (
    SELECT m.product_id, m.state, m.location_id AS src_id,
           COALESCE(m.location_final_id, m.location_dest_id) AS dest_id,
           src.usage AS src_usage, m.product_qty, m.date,
           m.quantity / mu.factor * pu.factor AS reserved_qty
      FROM stock_move m
      JOIN stock_location src ON src.id = m.location_id
      %(uom_joins)s
     WHERE m.state IN %(open_states)s AND m.company_id = ANY(%(companies)s)
           %(move_filter)s
), move_in AS (
    SELECT m.product_id, d.scope_id,
           GREATEST(0, CEIL(EXTRACT(EPOCH FROM (m.date - %(now)s)) / 86400))::int
               AS day,
           SUM(m.product_qty) AS incoming,
           COALESCE(SUM(m.product_qty) FILTER (WHERE m.src_usage = 'supplier'), 0)
               AS on_order,
           COALESCE(SUM(CASE WHEN m.state = 'assigned' THEN m.product_qty
                             ELSE m.reserved_qty END)
                    FILTER (WHERE m.src_usage = 'transit'
                              AND m.state IN ('assigned', 'partially_available')), 0)
               AS in_transit
      FROM open_move m JOIN loc_scope d ON d.location_id = m.dest_id
     WHERE NOT EXISTS (SELECT 1 FROM loc_scope s
                        WHERE s.location_id = m.src_id AND s.scope_id = d.scope_id)
     GROUP BY m.product_id, d.scope_id, day
), move_out AS (
    SELECT m.product_id, s.scope_id, SUM(m.product_qty) AS outgoing
      FROM open_move m JOIN loc_scope s ON s.location_id = m.src_id
     WHERE NOT EXISTS (SELECT 1 FROM loc_scope d
                        WHERE d.location_id = m.dest_id AND d.scope_id = s.scope_id)
     GROUP BY m.product_id, s.scope_id
), usage AS (
    SELECT m.product_id, s.scope_id, SUM(m.quantity / mu.factor * pu.factor) AS used
      FROM stock_move m
      JOIN loc_scope s ON s.location_id = m.location_id
      JOIN stock_location dl ON dl.id = m.location_dest_id
      %(uom_joins)s
     WHERE m.state = 'done' AND m.date >= %(since)s AND m.date <= %(now)s
       AND m.company_id = ANY(%(companies)s) %(move_filter)s
       AND dl.usage NOT IN ('inventory', 'supplier', 'view')
       AND NOT EXISTS (SELECT 1 FROM loc_scope d
                        WHERE d.location_id = m.location_dest_id
                          AND d.scope_id = s.scope_id)
     GROUP BY m.product_id, s.scope_id
)
SELECT 'quant', product_id, scope_id, 0, on_hand, reserved, 0 FROM quant
UNION ALL
SELECT 'in', product_id, scope_id, day, incoming, on_order, in_transit FROM move_in
UNION ALL
SELECT 'out', product_id, scope_id, 0, outgoing, 0, 0 FROM move_out
UNION ALL
SELECT 'usage', product_id, scope_id, 0, used, 0, 0 FROM usage
""",
            locations=location_ids,
            companies=company_ids,
            quant_filter=product_filter("q"),
            move_filter=product_filter("m"),
            uom_joins=uom_joins,
            open_states=OPEN_MOVE_STATES,
            now=now,
            since=since,
        )

    # ------------------------------------------------------------------
    # Rules and live status
    # ------------------------------------------------------------------
    def _add_status_pairs(self, positions, location_ids):
        """Add the governed pairs of the scopes that have no activity (an
        out-of-stock product is exactly the one without stock or moves)."""
        statuses = self.env["stock.threshold.status"].search_fetch(
            [("location_id", "in", location_ids)], ["product_id", "location_id"]
        )
        missing = {(st.product_id.id, st.location_id.id) for st in statuses} - set(
            positions
        )
        if missing:
            extra = self._read_positions(location_ids, [], extra_keys=missing)
            self._finalize_positions(extra)
            positions.update(extra)

    def _add_rules_and_status(self, positions):
        """Set ``rule_id``, ``days_of_cover`` and the live ``status`` of each
        position from its governing rule."""
        Rule = self.env["stock.threshold.rule"]
        governing = Rule._get_governing_rules(
            list({key[0] for key in positions}), list({key[1] for key in positions})
        )
        rules = Rule.browse({rule_id for rule_id in governing.values()})
        rule_values = {rule.id: rule._get_level_values() for rule in rules}
        default_lead = self.env.company.threshold_lead_days
        for key, position in positions.items():
            rule_id = governing.get(key)
            values = rule_values.get(rule_id)
            lead_days = (values and values["lead_days"]) or default_lead
            self._set_cover(position, lead_days)
            position["rule_id"] = rule_id or False
            if not values:
                position["status"] = "none"
                continue
            levels = levels_for(values, position["daily_usage"])
            position["status"] = classify(
                position["free"], position["forecast"], levels
            )
            position["levels"] = levels

    def _set_cover(self, position, lead_days):
        incoming = sum(
            qty for day, qty in position["incoming_by_day"].items() if day <= lead_days
        )
        position["days_of_cover"] = days_of_cover(
            position["free"], incoming, position["daily_usage"]
        )

    def _format_position(self, key, position, scope_key, scope_id):
        """The public shape of a position (JSON-serialisable)."""
        result = {"product_id": key[0], scope_key: scope_id}
        for name in FIGURES:
            result[name] = position[name]
        # Odoo's RPC null: XML-RPC cannot marshal None
        result["days_of_cover"] = position["days_of_cover"]
        if result["days_of_cover"] is None:
            result["days_of_cover"] = False
        result["rule_id"] = position["rule_id"]
        result["status"] = position["status"]
        return result
