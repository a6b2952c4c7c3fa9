import io
from collections import defaultdict
from contextlib import contextmanager
from datetime import datetime, timedelta

import numpy as np
import psycopg2.extensions

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools.status import STATUS_CODES

OPEN_MOVE_STATES = ("waiting", "confirmed", "assigned", "partially_available")
# Rows of ``_governed_inputs_query``, read by a binary COPY: the field count
# (int2), then per field its length (int4) and value, big-endian.
INPUT_FIELDS = (
    ("kind", ">i4"),
    ("product_id", ">i4"),
    ("scope_id", ">i4"),
    ("day", ">i4"),
    ("a", ">f8"),
    ("b", ">f8"),
    ("c", ">f8"),
    ("d", ">f8"),
)
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

    Every figure, the governing rule and the status are computed by one
    set-based query for a whole set of products and scopes, with the same
    semantics as Odoo's own quantity fields (``qty_available``, ``free_qty``,
    ``incoming_qty``, ``outgoing_qty``, ``virtual_available``) read with a
    ``location`` or ``warehouse_id`` context. The live API and the stored
    statuses share that query, hence one definition of every status.
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
        scope_location_ids = [location.id for _key, _id, location in scopes]
        if product_ids:
            # Unknown ids give no rows, not every product.
            product_ids = self.env["product.product"].browse(product_ids).exists().ids
            if not product_ids:
                return []
        rows = self._read_positions(scope_location_ids, product_ids or None)
        drafts = self._get_draft_quantities([row["key"] for row in rows])
        by_location = defaultdict(list)
        for row in rows:
            row["draft_ordered"] = drafts.get(row["key"], 0.0)
            by_location[row["key"][1]].append(row)
        return [
            self._format_position(row, scope_key, scope_id)
            for scope_key, scope_id, location in scopes
            for row in sorted(by_location[location.id], key=lambda r: r["key"])
        ]

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------
    def _check_position_access(self):
        """Positions are reserved to the Thresholds users (an abstract model
        has no access rules of its own)."""
        if self.env.su:
            return
        if not self.env.user.has_group("stock_threshold.group_threshold_user"):
            raise AccessError(
                self.env._("Only Thresholds users can read stock positions.")
            )

    def _get_scopes(self, warehouse_ids=None, location_ids=None):
        """Return ``[(scope_key, scope_id, location)]``: a warehouse scope is
        its view location, a location scope the location itself. Scopes of
        companies the environment does not allow are left out, as unknown
        ids are, superuser mode included."""
        Warehouse = self.env["stock.warehouse"]
        companies = self.env.companies
        if warehouse_ids:
            warehouses = (
                Warehouse.browse(warehouse_ids)
                .exists()
                .filtered(lambda wh: wh.company_id in companies)
            )
        elif location_ids:
            warehouses = Warehouse
        else:
            warehouses = Warehouse.search(
                [("company_id", "in", self.env.companies.ids)]
            )
        locations = (
            self.env["stock.location"]
            .browse(location_ids or [])
            .exists()
            .filtered(lambda loc: not loc.company_id or loc.company_id in companies)
        )
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

    def _get_usage_days(self):
        """Length of the window over which the average daily usage is taken."""
        return max(self.env.company.threshold_usage_days, 1)

    def _get_default_lead_days(self):
        """Lead time of the rules that set none (days of cover count what
        arrives within it)."""
        return self.env.company.threshold_lead_days

    # ------------------------------------------------------------------
    # Computation
    # ------------------------------------------------------------------
    def _read_positions(self, location_ids, product_ids=None, pairs=None):
        """Return the evaluated positions as dicts with a ``key``
        ``(product_id, scope_location_id)``, each company's scopes with its
        own settings.

        With ``product_ids``, every requested product gets a row in every
        scope (zeros included); without, the products with activity or a
        stored status in the scopes. ``pairs="governed"`` asks for the pairs
        whose rule is scoped on the location (see ``_positions_query``).
        """
        if not location_ids:
            return []
        self.env.flush_all()
        pairs = pairs or ("products" if product_ids else "activity")
        rows = []
        now = fields.Datetime.now()
        with self._without_jit():
            for company, scope_ids in self._group_by_company(location_ids):
                # each company with its own usage window and default lead time
                query = self.with_company(company)._positions_query(
                    scope_ids, product_ids, pairs, now
                )
                self.env.cr.execute(query)
                rows += self.env.cr.dictfetchall()
        for row in rows:
            row["key"] = (row.pop("product_id"), row.pop("scope_id"))
        return rows

    def _group_by_company(self, location_ids):
        """``[(company, location_ids)]``: scope locations per company (those
        without a company go with the current one), in one query."""
        groups = defaultdict(list)
        for location in self.env["stock.location"].browse(location_ids):
            groups[location.company_id or self.env.company].append(location.id)
        return list(groups.items())

    @contextmanager
    def _without_jit(self):
        """Run the positions query without PostgreSQL's JIT compilation.

        The query is many small set operations whose row estimates are poor;
        when its estimated cost passes ``jit_above_cost``, compiling it takes
        longer than running it (200 ms against 140 ms at 20,000 pairs). The
        setting is local to the transaction (undone by a rollback) and put
        back afterwards.
        """
        cr = self.env.cr
        cr.execute("SELECT current_setting('jit')")
        previous = cr.fetchone()[0]
        cr.execute("SET LOCAL jit = off")
        yield
        cr.execute(SQL("SELECT set_config('jit', %s, true)", previous))

    def _positions_query(self, location_ids, product_ids, pairs, now=None):
        """The evaluated positions of pairs of products and scope locations.

        ``pairs`` says which pairs: ``products`` (each of ``product_ids`` in
        each scope), ``activity`` (products with stock, moves, usage or a
        stored status) or ``governed`` (the pairs whose governing rule is
        scoped on that very location: those the statuses store). Columns:
        ``product_id``, ``scope_id``, ``rule_id``, the figures but
        ``draft_ordered``, ``days_of_cover``, ``min_qty``, ``safety_qty``,
        ``max_qty`` and ``status``.
        """
        now = now or fields.Datetime.now()
        activity_products = product_ids if pairs != "activity" else None
        rules = self.env["stock.threshold.rule"]._governing_rules_query(
            self._governing_products(pairs, product_ids),
            location_ids,
            own_scope_only=pairs == "governed",
        )
        return SQL(
            """
WITH %(activity)s,
governing AS (%(rules)s),
fact AS (%(facts)s),
%(evaluation)s""",
            activity=self._activity_ctes(location_ids, activity_products, now),
            rules=rules,
            facts=self._facts_query(pairs, product_ids),
            evaluation=self._evaluation_query(now),
        )

    def _governing_products(self, pairs, product_ids):
        """Products whose governing rule is needed for the pairs."""
        if pairs == "activity":
            return SQL(
                "SELECT product_id FROM quant UNION SELECT product_id FROM move_in "
                "UNION SELECT product_id FROM move_out "
                "UNION SELECT product_id FROM usage "
                "UNION SELECT product_id FROM stored_status"
            )
        return product_ids

    def _facts_query(self, pairs, product_ids):
        """Every row that makes or feeds a pair, in one shape: ``(product_id,
        scope_id, is_pair, rule_id, rounding, threshold_type, min_value,
        safety_value, max_value, lead_days, dead_stock_days, day, on_hand,
        reserved, incoming, on_order, in_transit, outgoing, used, last_out)``:
        the governing rule and its values come from the rows of ``governing``;
        ``day`` (from now) dates the open moves in and out.

        The evaluation groups them per pair instead of joining the CTEs, so
        that no plan can loop over one CTE for each row of another.
        """
        rule_is_pair = pairs == "governed"
        data_is_pair = pairs == "activity"
        no_rule = SQL(
            "NULL::float8, NULL::varchar, NULL::float8, NULL::float8, "
            "NULL::float8, NULL::int, NULL::int"
        )
        facts = [
            SQL(
                """SELECT product_id, location_id AS scope_id, %s AS is_pair, rule_id,
                          rounding, threshold_type, min_value, safety_value,
                          max_value, lead_days, dead_stock_days, NULL::int AS day,
                          0::float8 AS on_hand, 0::float8 AS reserved,
                          0::float8 AS incoming, 0::float8 AS on_order,
                          0::float8 AS in_transit, 0::float8 AS outgoing,
                          0::float8 AS used, NULL::timestamp AS last_out
                     FROM governing""",
                rule_is_pair,
            ),
            SQL(
                """SELECT product_id, scope_id, %s, NULL, %s, NULL, on_hand,
                          reserved, 0, 0, 0, 0, 0, NULL FROM quant""",
                data_is_pair,
                no_rule,
            ),
            SQL(
                """SELECT product_id, scope_id, %s, NULL, %s, day, 0, 0,
                          incoming, on_order, in_transit, 0, 0, NULL FROM move_in""",
                data_is_pair,
                no_rule,
            ),
            SQL(
                """SELECT product_id, scope_id, %s, NULL, %s, day, 0, 0,
                          0, 0, 0, outgoing, 0, NULL FROM move_out""",
                data_is_pair,
                no_rule,
            ),
            SQL(
                """SELECT product_id, scope_id, %s, NULL, %s, NULL, 0, 0,
                          0, 0, 0, 0, used, last_out FROM usage""",
                data_is_pair,
                no_rule,
            ),
        ]
        if pairs == "activity":
            facts.append(
                SQL(
                    """SELECT product_id, scope_id, TRUE, NULL, %s, NULL, 0, 0,
                              0, 0, 0, 0, 0, NULL FROM stored_status""",
                    no_rule,
                )
            )
        elif pairs == "products":
            facts.append(
                SQL(
                    """SELECT p.id, s.scope_id, TRUE, NULL, %s, NULL, 0, 0,
                              0, 0, 0, 0, 0, NULL
                         FROM unnest(%s::int[]) AS p(id) CROSS JOIN scope s""",
                    no_rule,
                    list(product_ids),
                )
            )
        return SQL("\nUNION ALL\n").join(facts)

    def _activity_ctes(self, location_ids, product_ids, now):
        """CTEs of what happens in the scopes: quants (on hand, reserved),
        open moves in and out (per day from now), usage over the window and
        the last move out (back to the longest dead stock period), and the
        stored statuses.

        ``scope_id`` is the scope location; moves inside one scope count for
        neither side. Quantities of moves are in the product's unit.
        """
        since = now - timedelta(days=self._get_usage_days())

        def product_filter(alias):
            if product_ids is None:
                return SQL("")
            return SQL(
                "AND %s = ANY(%s)", SQL.identifier(alias, "product_id"), product_ids
            )

        return SQL(
            """
%(scopes)s, quant AS (
    SELECT q.product_id, ls.scope_id, SUM(q.quantity)::float8 AS on_hand,
           SUM(q.reserved_quantity)::float8 AS reserved
      FROM stock_quant q JOIN loc_scope ls ON ls.location_id = q.location_id
     WHERE q.company_id = ANY(%(companies)s) %(quant_filter)s
     GROUP BY q.product_id, ls.scope_id
), open_move AS (
    SELECT m.product_id, m.state, m.location_id AS src_id,
           COALESCE(m.location_final_id, m.location_dest_id) AS dest_id,
           src.usage AS src_usage, m.product_qty::float8 AS product_qty, m.date,
           (m.quantity / mu.factor * pu.factor)::float8 AS reserved_qty
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
    SELECT m.product_id, s.scope_id,
           GREATEST(0, CEIL(EXTRACT(EPOCH FROM (m.date - %(now)s)) / 86400))::int
               AS day,
           SUM(m.product_qty) AS outgoing
      FROM open_move m JOIN loc_scope s ON s.location_id = m.src_id
     WHERE NOT EXISTS (SELECT 1 FROM loc_scope d
                        WHERE d.location_id = m.dest_id AND d.scope_id = s.scope_id)
     GROUP BY m.product_id, s.scope_id, day
), usage AS (
    SELECT product_id, scope_id,
           COALESCE(SUM(quantity) FILTER (WHERE date >= %(since)s), 0)::float8
               AS used,
           MAX(date) AS last_out
      FROM (%(usage_moves)s) m
     GROUP BY product_id, scope_id
), stored_status AS (
    SELECT product_id, location_id AS scope_id FROM stock_threshold_status
     WHERE location_id = ANY(%(locations)s) AND company_id = ANY(%(companies)s)
           %(status_filter)s
)""",
            scopes=self._scope_ctes(location_ids),
            usage_moves=self._usage_moves_query(
                self._get_history_start(since, now), now, product_ids
            ),
            locations=location_ids,
            companies=self.env.companies.ids,
            quant_filter=product_filter("q"),
            move_filter=product_filter("m"),
            status_filter=product_filter("stock_threshold_status"),
            uom_joins=self._uom_joins(),
            open_states=OPEN_MOVE_STATES,
            now=now,
            since=since,
        )

    def _get_history_start(self, since, now):
        """Oldest date of the done moves the activity reads: the start of
        the usage window ``since``, or the start of the longest dead stock
        period of the active rules, if earlier. A constant in the query, so
        that PostgreSQL estimates the date range (and reads the moves of a
        few products by product, not all the moves of the period)."""
        [(longest,)] = (
            self.env["stock.threshold.rule"]
            .sudo()
            ._read_group(
                [("company_id", "in", self.env.companies.ids)],
                aggregates=["dead_stock_days:max"],
            )
        )
        return min(since, now - timedelta(days=longest or 0))

    def _scope_ctes(self, location_ids):
        """CTEs ``scope`` (``scope_id``, ``parent_path`` of the scope
        locations) and ``loc_scope`` (``location_id``, ``scope_id``: every
        location of each scope, children included) that the activity queries
        join on."""
        return SQL(
            """
scope AS (
    SELECT id AS scope_id, parent_path FROM stock_location WHERE id = ANY(%s)
), loc_scope AS (
    SELECT l.id AS location_id, s.scope_id
      FROM stock_location l JOIN scope s ON starts_with(l.parent_path, s.parent_path)
)""",
            location_ids,
        )

    def _usage_moves_query(self, since, now, product_ids=None):
        """The done moves that are usage of the scopes of ``loc_scope`` (see
        ``_scope_ctes``), one row per move and scope: ``product_id``,
        ``scope_id``, ``date`` and ``quantity`` in the product's unit, from
        ``since`` (a datetime or an SQL expression) to ``now``.

        Usage leaves the scope, but not to an inventory adjustment, a vendor
        (returns) or a view; moves within the scope are not usage. The one
        definition of usage: the positions sum it, other addons aggregate it
        otherwise (per day, say)."""
        product_filter = SQL("")
        if product_ids is not None:
            product_filter = SQL("AND m.product_id = ANY(%s)", list(product_ids))
        return SQL(
            """
    SELECT m.product_id, s.scope_id, m.date,
           (m.quantity / mu.factor * pu.factor)::float8 AS quantity
      FROM stock_move m
      JOIN loc_scope s ON s.location_id = m.location_id
      JOIN stock_location dl ON dl.id = m.location_dest_id
      %(uom_joins)s
     WHERE m.state = 'done' AND m.date <= %(now)s AND m.date >= %(since)s
       AND m.company_id = ANY(%(companies)s) %(product_filter)s
       AND dl.usage NOT IN ('inventory', 'supplier', 'view')
       AND NOT EXISTS (SELECT 1 FROM loc_scope d
                        WHERE d.location_id = m.location_dest_id
                          AND d.scope_id = s.scope_id)""",
            since=since,
            now=now,
            companies=self.env.companies.ids,
            product_filter=product_filter,
            uom_joins=self._uom_joins(),
        )

    def _uom_joins(self):
        """Joins of a move ``m`` to its unit ``mu`` and its product's unit
        ``pu``: Odoo's conversion is quantity / mu.factor * pu.factor."""
        return SQL(
            """JOIN uom_uom mu ON mu.id = m.product_uom
               JOIN product_product pp ON pp.id = m.product_id
               JOIN product_template pt ON pt.id = pp.product_tmpl_id
               JOIN uom_uom pu ON pu.id = pt.uom_id"""
        )

    def _evaluation_query(self, now):
        """Figures, levels and status of each ``pair`` (the status codes are
        defined here and only here, see ``tools.status``).

        Figures are rounded to the product's unit like Odoo's (half up);
        levels in days of cover become quantities through the daily usage.
        Out of stock looks at the free quantity, the other levels at the
        forecast, as Odoo's reordering rules do, so that a product already on
        order is not reported again. Beside the status, two flags: a projected
        stock-out (the forecast at the lead time horizon is below zero, what
        arrives later comes too late) and dead stock (stock on hand and no
        move out for the rule's period).
        """

        def rnd(expression, alias="s"):
            # odoo.tools.float_round, HALF-UP: nudge by one ulp, round half
            # away from zero, in float8 like Odoo's Python floats.
            rounding = SQL.identifier(alias, "rounding")
            normalized = SQL("(%s) / %s", expression, rounding)
            return SQL(
                "SIGN(%s) * FLOOR(ABS(%s) * %s + 0.5) * %s",
                normalized,
                normalized,
                1 + 2**-52,
                rounding,
            )

        return SQL(
            """
summed AS (
    SELECT product_id, scope_id, MAX(rule_id) AS rule_id,
           -- pairs without a governing row (live API) read their product's unit
           COALESCE(MAX(rounding), (
               SELECT u.rounding FROM product_product p
                 JOIN product_template t ON t.id = p.product_tmpl_id
                 JOIN uom_uom u ON u.id = t.uom_id
                WHERE p.id = fact.product_id)) AS rounding,
           MAX(threshold_type) AS threshold_type, MAX(min_value) AS min_value,
           MAX(safety_value) AS safety_value, MAX(max_value) AS max_value,
           MAX(lead_days) AS lead_days, MAX(dead_stock_days) AS dead_stock_days,
           MAX(last_out) AS last_out,
           SUM(on_hand) AS on_hand, SUM(reserved) AS reserved,
           SUM(incoming) AS incoming, SUM(on_order) AS on_order,
           SUM(in_transit) AS in_transit, SUM(outgoing) AS outgoing,
           SUM(used) AS used,
           array_agg(day) FILTER (WHERE day IS NOT NULL) AS move_days,
           array_agg(incoming) FILTER (WHERE day IS NOT NULL) AS incoming_qties,
           array_agg(outgoing) FILTER (WHERE day IS NOT NULL) AS outgoing_qties
      FROM fact
     GROUP BY product_id, scope_id
    HAVING bool_or(is_pair)
), rounded AS MATERIALIZED (
    SELECT s.product_id, s.scope_id, s.rule_id, s.rounding,
           s.threshold_type, s.min_value, s.safety_value, s.max_value,
           s.dead_stock_days, s.last_out,
           %(on_hand)s AS on_hand, %(reserved)s AS reserved,
           %(incoming)s AS incoming, %(in_transit)s AS in_transit,
           %(on_order)s AS on_order, %(outgoing)s AS outgoing,
           COALESCE(horizon.incoming, 0) AS incoming_lead,
           %(forecast_lead)s AS forecast_lead,
           s.used / %(usage_days)s AS daily_usage
      FROM summed s
      -- open moves within the lead time (the rule's, or the company's)
      LEFT JOIN LATERAL (
           SELECT SUM(x.incoming) AS incoming, SUM(x.outgoing) AS outgoing
             FROM unnest(s.move_days, s.incoming_qties, s.outgoing_qties)
                  AS x(day, incoming, outgoing)
            WHERE x.day <= COALESCE(NULLIF(s.lead_days, 0), %(lead_days)s)
      ) horizon ON s.move_days IS NOT NULL
), derived AS MATERIALIZED (
    SELECT f.*, %(free)s AS free, %(forecast)s AS forecast,
           CASE WHEN f.threshold_type = 'days' THEN f.daily_usage ELSE 1 END
               AS factor,
           f.dead_stock_days > 0 AND f.on_hand > 0
               AND (f.last_out IS NULL
                    OR f.last_out < %(now)s - make_interval(days => f.dead_stock_days))
               AS dead_stock
      FROM rounded f
), level AS (
    SELECT d.*, COALESCE(d.min_value, 0) * d.factor AS min_qty,
           COALESCE(d.safety_value, 0) * d.factor AS safety_qty,
           COALESCE(d.max_value, 0) * d.factor AS max_qty
      FROM derived d
)
SELECT product_id, scope_id, rule_id, on_hand, reserved, free, incoming,
       in_transit, on_order, outgoing, forecast, daily_usage,
       CASE WHEN daily_usage > 0 THEN (free + incoming_lead) / daily_usage END
           AS days_of_cover,
       min_qty, safety_qty, max_qty,
       rule_id IS NOT NULL AND forecast_lead < 0 AS projected_stockout,
       rule_id IS NOT NULL AND COALESCE(dead_stock, FALSE) AS dead_stock,
       CASE WHEN rule_id IS NULL THEN 'none'
            WHEN free <= 0 THEN 'out_of_stock'
            WHEN forecast < safety_qty THEN 'below_safety'
            WHEN forecast < min_qty THEN 'below_min'
            WHEN max_qty > 0 AND forecast > max_qty THEN 'overstock'
            ELSE 'ok' END AS status
  FROM level""",
            lead_days=self._get_default_lead_days(),
            usage_days=float(self._get_usage_days()),
            on_hand=rnd(SQL("s.on_hand")),
            reserved=rnd(SQL("s.reserved")),
            incoming=rnd(SQL("s.incoming")),
            in_transit=rnd(SQL("s.in_transit")),
            on_order=rnd(SQL("s.on_order")),
            outgoing=rnd(SQL("s.outgoing")),
            free=rnd(SQL("f.on_hand - f.reserved"), "f"),
            forecast=rnd(SQL("f.on_hand + f.incoming - f.outgoing"), "f"),
            forecast_lead=rnd(
                SQL(
                    "s.on_hand + COALESCE(horizon.incoming, 0) "
                    "- COALESCE(horizon.outgoing, 0)"
                )
            ),
            now=now,
        )

    # ------------------------------------------------------------------
    # Full evaluation of the governed pairs (stored statuses)
    # ------------------------------------------------------------------
    def _governed_inputs_query(self, location_ids, product_ids, now):
        """What the evaluation of the governed pairs reads, already grouped
        per pair (and per day for open moves), as rows of one shape
        ``INPUT_FIELDS``: ``kind`` 0, the governing rule and the unit's
        rounding of each pair (``day`` is the rule id, ``a`` the rounding);
        1, quants (``a`` on hand, ``b`` reserved); 2, open moves in
        (``a`` incoming, ``b`` on order, ``c`` in transit); 3, open moves
        out (``a`` outgoing); 4, usage (``a`` used, ``b`` the last move out
        in microseconds since the epoch, NaN without any); 5, the rules
        (``product_id`` is the rule id, ``scope_id`` 1 for levels in days of
        cover, ``day`` its lead time, ``a``, ``b``, ``c`` its minimum,
        safety stock and maximum, ``d`` its dead stock period). The same
        CTEs as ``_positions_query``: the sources of every figure are
        shared with the live API."""
        rules = self.env["stock.threshold.rule"]._governing_rules_query(
            product_ids, location_ids, own_scope_only=True
        )
        return SQL(
            """
WITH %(activity)s,
governing AS (%(rules)s)
SELECT 0, product_id, location_id, rule_id, rounding::float8, 0::float8, 0::float8,
       0::float8
  FROM governing
UNION ALL
SELECT 1, product_id, scope_id, 0, on_hand, reserved, 0, 0 FROM quant
UNION ALL
SELECT 2, product_id, scope_id, day, incoming, on_order, in_transit, 0 FROM move_in
UNION ALL
SELECT 3, product_id, scope_id, day, outgoing, 0, 0, 0 FROM move_out
UNION ALL
SELECT 4, product_id, scope_id, 0, used,
       COALESCE((EXTRACT(EPOCH FROM last_out) * 1000000)::float8, 'NaN'), 0, 0
  FROM usage
UNION ALL
SELECT 5, id, (threshold_type = 'days')::int,
       COALESCE(NULLIF(lead_days, 0), %(lead_days)s),
       COALESCE(min_value, 0)::float8, COALESCE(safety_value, 0)::float8,
       COALESCE(max_value, 0)::float8, COALESCE(dead_stock_days, 0)::float8
  FROM stock_threshold_rule WHERE company_id = ANY(%(companies)s)""",
            activity=self._activity_ctes(location_ids, product_ids, now),
            rules=rules,
            lead_days=self._get_default_lead_days() or 0,
            companies=self.env.companies.ids,
        )

    def _copy_records(self, query, dtype_fields):
        """Rows of ``query`` (no NULL, fixed-size columns of ``dtype_fields``)
        as a numpy record array, read by a binary COPY: no Python object per
        value."""
        dtype = np.dtype(
            [("count", ">i2")]
            + [
                item
                for name, kind in dtype_fields
                for item in ((f"{name}_len", ">i4"), (name, kind))
            ]
        )
        cr = self.env.cr
        buffer = io.BytesIO()
        copy = b"COPY (%s) TO STDOUT (FORMAT binary)" % cr.mogrify(
            query.code, query.params
        )
        # COPY does not support an asynchronous wait callback (as in
        # odoo.models, _load_records_create's COPY FROM)
        callback = psycopg2.extensions.get_wait_callback()
        psycopg2.extensions.set_wait_callback(None)
        try:
            cr.copy_expert(copy, buffer)
        finally:
            psycopg2.extensions.set_wait_callback(callback)
        cr.sql_log_count += 1  # counted as the query it is
        data = buffer.getbuffer()
        header = 19  # signature, flags and header extension length
        size = (len(data) - header - 2) // dtype.itemsize
        records = np.frombuffer(data, dtype=dtype, offset=header, count=size)
        # every row has the field count and lengths of the template (a NULL
        # would have no value and a length of -1)
        template = np.zeros(1, dtype=dtype)
        template["count"] = len(dtype_fields)
        framing = [np.arange(2)]
        for name, kind in dtype_fields:
            template[f"{name}_len"] = np.dtype(kind).itemsize
            offset = dtype.fields[f"{name}_len"][1]
            framing.append(np.arange(offset, offset + 4))
        framing = np.concatenate(framing)
        template_bytes = np.frombuffer(template.tobytes(), np.uint8)
        raw = np.frombuffer(
            data, np.uint8, offset=header, count=size * dtype.itemsize
        ).reshape(size, dtype.itemsize)
        if (
            len(data) != header + size * dtype.itemsize + 2
            or (raw[:, framing] != template_bytes[framing]).any()
        ):
            raise ValueError("Unexpected COPY row shape (a NULL value?)")
        return {name: records[name].astype(kind[1:]) for name, kind in dtype_fields}

    def _evaluate_governed(self, location_ids, product_ids, now):
        """Evaluate the governed pairs of ``location_ids`` (the pairs whose
        governing rule is scoped on that very location): returns a dict of
        numpy arrays, one item per pair sorted by ``key`` (``product_id``
        << 32 | ``scope_id``): ``product_id``, ``scope_id``, ``rule_id``,
        the figures (``draft_ordered`` aside), ``days_of_cover`` (NaN
        without usage), ``min_qty``, ``safety_qty``, ``max_qty``,
        ``incoming_lead``, ``projected_stockout``, ``dead_stock`` and
        ``status`` (an index in ``STATUS_SELECTION``).

        The same computation as ``_evaluation_query`` (see there), done
        with numpy on the inputs grouped by ``_governed_inputs_query``:
        the same float8 operations in the same order, so that the stored
        statuses and the live API agree to the last bit (a test checks it).
        """
        rows = self._copy_records(
            self._governed_inputs_query(location_ids, product_ids, now), INPUT_FIELDS
        )
        kind = rows["kind"]
        keys_all = (rows["product_id"].astype(np.int64) << 32) | rows["scope_id"]
        governing = np.flatnonzero(kind == 0)
        order = governing[np.argsort(keys_all[governing], kind="stable")]
        keys = keys_all[order]
        size = len(keys)
        if not size:
            return {"key": keys}
        result = {
            "key": keys,
            "product_id": rows["product_id"][order],
            "scope_id": rows["scope_id"][order],
            "rule_id": rows["day"][order],
        }
        rounding = rows["a"][order]
        # position of each fact row in the pairs (-1: not a governed pair)
        position = np.searchsorted(keys, keys_all)
        position[position >= size] = 0
        position[(kind == 0) | (kind == 5) | (keys[position] != keys_all)] = -1

        def total(row_kind, column, where=None):
            mask = (kind == row_kind) & (position >= 0)
            if where is not None:
                mask &= where
            return np.bincount(
                position[mask], weights=rows[column][mask], minlength=size
            )

        # the governing rule's values
        rule_rows = np.flatnonzero(kind == 5)
        rule_rows = rule_rows[np.argsort(rows["product_id"][rule_rows])]
        rule_index = rule_rows[
            np.searchsorted(rows["product_id"][rule_rows], result["rule_id"])
        ]
        in_days = rows["scope_id"][rule_index] == 1
        lead_days = rows["day"][rule_index]
        dead_stock_days = rows["d"][rule_index]
        # lead time of each open move's pair (moves of other pairs: none)
        move_lead = np.full(len(kind), -1)
        moving = position >= 0
        move_lead[moving] = lead_days[position[moving]]
        within = rows["day"] <= move_lead

        def rnd(values):
            # odoo.tools.float_round HALF-UP, as rnd() of _evaluation_query
            normalized = values / rounding
            return (
                np.sign(normalized)
                * np.floor(np.abs(normalized) * (1 + 2**-52) + 0.5)
                * rounding
            )

        on_hand_sum = total(1, "a")
        incoming_lead = total(2, "a", within)
        forecast_lead = rnd(on_hand_sum + incoming_lead - total(3, "a", within))
        on_hand = result["on_hand"] = rnd(on_hand_sum)
        reserved = result["reserved"] = rnd(total(1, "b"))
        incoming = result["incoming"] = rnd(total(2, "a"))
        result["in_transit"] = rnd(total(2, "c"))
        result["on_order"] = rnd(total(2, "b"))
        outgoing = result["outgoing"] = rnd(total(3, "a"))
        daily_usage = result["daily_usage"] = total(4, "a") / float(
            self._get_usage_days()
        )
        free = result["free"] = rnd(on_hand - reserved)
        forecast = result["forecast"] = rnd(on_hand + incoming - outgoing)
        factor = np.where(in_days, daily_usage, 1.0)
        min_qty = result["min_qty"] = rows["a"][rule_index] * factor
        safety_qty = result["safety_qty"] = rows["b"][rule_index] * factor
        max_qty = result["max_qty"] = rows["c"][rule_index] * factor
        with np.errstate(divide="ignore", invalid="ignore"):
            result["days_of_cover"] = np.where(
                daily_usage > 0, (free + incoming_lead) / daily_usage, np.nan
            )
        result["projected_stockout"] = forecast_lead < 0
        last_out = np.full(size, np.nan)
        usage_rows = (kind == 4) & (position >= 0)
        last_out[position[usage_rows]] = rows["b"][usage_rows]
        now_us = (now - datetime(1970, 1, 1)) // timedelta(microseconds=1)
        with np.errstate(invalid="ignore"):
            result["dead_stock"] = (
                (dead_stock_days > 0)
                & (on_hand > 0)
                & (np.isnan(last_out) | (last_out < now_us - dead_stock_days * 86400e6))
            )
        result["status"] = np.select(
            [
                free <= 0,
                forecast < safety_qty,
                forecast < min_qty,
                (max_qty > 0) & (forecast > max_qty),
            ],
            [
                STATUS_CODES.index(code)
                for code in ("out_of_stock", "below_safety", "below_min", "overstock")
            ],
            STATUS_CODES.index("ok"),
        )
        return result

    def _format_position(self, row, scope_key, scope_id):
        """The public shape of a position (JSON-serialisable)."""
        result = {"product_id": row["key"][0], scope_key: scope_id}
        for name in FIGURES:
            result[name] = row[name]
        # Odoo's RPC null: XML-RPC cannot marshal None
        result["days_of_cover"] = row["days_of_cover"]
        if result["days_of_cover"] is None:
            result["days_of_cover"] = False
        result["rule_id"] = row["rule_id"] or False
        # the governing rule's levels in the product's unit (0 without rule)
        for name in ("min_qty", "safety_qty", "max_qty"):
            result[name] = row[name] or 0.0
        result["status"] = row["status"]
        result["projected_stockout"] = row["projected_stockout"]
        result["dead_stock"] = row["dead_stock"]
        return result
