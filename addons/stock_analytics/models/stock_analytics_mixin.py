import itertools
import math
from contextlib import contextmanager
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..lib import gc_pause

CONSUMPTION_USAGES = ("customer", "production")
# the period units of the trend and forecast reports (date_utils granularities)
PERIODS = ("week", "month")
# rows fetched per round trip from the server-side cursor of ``_iter_query``
CHUNK_SIZE = 5000
# memory of each sort and hash of the report queries (PostgreSQL's default,
# 4MB, makes them spill to disk at a few hundred thousand moves)
WORK_MEM = "64MB"
_cursor_numbers = itertools.count()


class StockAnalyticsMixin(models.AbstractModel):
    """Filters and SQL building blocks shared by the analytics reports.

    Figures are computed set-based in SQL, for the companies of the
    environment only (``self.env.companies``).
    """

    _name = "stock.analytics.mixin"
    _description = "Inventory Analytics Helpers"

    @api.model
    def _check_analytics_access(self):
        """Raw SQL bypasses access rules: only analytics users may read."""
        if not self.env.su and not self.env.user.has_group(
            "stock_analytics.group_analytics_user"
        ):
            raise AccessError(self.env._("Only analytics users can read analytics."))

    @api.model
    def _get_tz(self):
        """The user's time zone, where days, weeks and months start: the
        context's, else the user's (as ``fields.Date.context_today``)."""
        tz = self.env.context.get("tz") or self.env.user.tz
        return tz if tz in pytz.all_timezones_set else "UTC"

    @api.model
    def _get_utc_start(self, day):
        """The naive UTC datetime at which ``day`` starts in the user's time
        zone: the bound to compare stored (UTC) datetimes with."""
        local = pytz.timezone(self._get_tz()).localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _get_local_sql(self, column):
        """SQL expression of the UTC timestamp ``column`` (an SQL) in the
        user's time zone, to cut it in days, weeks or months there, as
        ``read_group`` does for its date groupings."""
        return SQL("timezone(%s, timezone('UTC', %s))", self._get_tz(), column)

    @api.model
    def _get_period(self, date_from=None, date_to=None, default_days=365):
        """Return ``(date_from, date_to, start, stop)``: the inclusive dates and
        the half-open UTC datetime range ``[start, stop)`` they cover, days
        starting at midnight in the user's time zone. ``date_to`` defaults
        to today, ``date_from`` to ``default_days`` before."""
        date_to = fields.Date.to_date(date_to) or fields.Date.context_today(self)
        date_from = fields.Date.to_date(date_from) or date_to - timedelta(
            days=default_days - 1
        )
        start = self._get_utc_start(date_from)
        stop = self._get_utc_start(date_to + timedelta(days=1))
        return date_from, date_to, start, stop

    @api.model
    def _check_period(self, period):
        """Reports by period group by ISO week (from Monday) or month."""
        if period not in PERIODS:
            raise UserError(self.env._("The period must be a week or a month."))

    @api.model
    def _get_at(self, at_date=None):
        """Return ``(at_date, stop)``: the day of the report and the UTC
        datetime at which it ends in the user's time zone."""
        at_date = fields.Date.to_date(at_date) or fields.Date.context_today(self)
        return at_date, self._get_utc_start(at_date + timedelta(days=1))

    @api.model
    def _get_warehouses(self, warehouse_ids=None):
        """Warehouses of the allowed companies, restricted to the filter."""
        domain = [("company_id", "in", self.env.companies.ids)]
        if warehouse_ids:
            domain.append(("id", "in", list(warehouse_ids)))
        return self.env["stock.warehouse"].search(domain)

    @api.model
    def _get_scope_locations(self, warehouse_ids=None, location_ids=None):
        """Internal locations of the chosen warehouses (and location subtrees)."""
        domain = [
            ("usage", "=", "internal"),
            ("warehouse_id", "in", self._get_warehouses(warehouse_ids).ids),
        ]
        if location_ids:
            domain.append(("id", "child_of", list(location_ids)))
        return self.env["stock.location"].search(domain)

    @api.model
    def _get_scope_sql(self, scope="warehouse", warehouse_ids=None, location_ids=None):
        """A ``scope(location_id, scope_id, company_id, warehouse_id)``
        relation mapping each internal location of the filter to its
        warehouse or to itself (``scope_id``), and to its warehouse."""
        locations = self._get_scope_locations(warehouse_ids, location_ids)
        warehouse_ids = [loc.warehouse_id.id for loc in locations]
        return SQL(
            "SELECT * FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[])"
            " AS scope(location_id, scope_id, company_id, warehouse_id)",
            locations.ids,
            locations.ids if scope == "location" else warehouse_ids,
            [loc.company_id.id for loc in locations],
            warehouse_ids,
        )

    @api.model
    def _get_product_condition(self, alias, product_ids=None, category_ids=None):
        """SQL condition on ``alias.product_id`` for the product filters."""
        conditions = [SQL("TRUE")]
        if product_ids:
            conditions.append(
                SQL(
                    "%s = ANY(%s)",
                    SQL.identifier(alias, "product_id"),
                    list(product_ids),
                )
            )
        if category_ids:
            categories = self.env["product.category"].search(
                [("id", "child_of", list(category_ids))]
            )
            conditions.append(
                SQL(
                    """%s IN (SELECT pp.id FROM product_product pp
                               JOIN product_template pt ON pt.id = pp.product_tmpl_id
                              WHERE pt.categ_id = ANY(%s))""",
                    SQL.identifier(alias, "product_id"),
                    categories.ids,
                )
            )
        return SQL(" AND ").join(conditions)

    @api.model
    def _get_flows_sql(self, product_condition, stop, start=None):
        """Done move lines crossing the boundary of the ``scope`` relation
        (a CTE of the caller, see ``_get_scope_sql``) before ``stop``: a
        line between two scopes gives a row for each, ``flows(product_id,
        scope_id, company_id, date, move_id, line_id, qty, other_usage)``,
        ``qty`` positive into the scope, negative out of it, ``other_usage``
        the usage of the location on the other side; from ``start`` on
        only, when given. One branch per side, each joined on its side's
        scope: cheaper than two rows made for every line and filtered."""
        if start:
            product_condition = SQL("%s AND sml.date >= %s", product_condition, start)
        branches = [
            SQL(
                """
            SELECT sml.product_id, side.scope_id, side.company_id, sml.date,
                   sml.move_id, sml.id AS line_id,
                   %(sign)s * sml.quantity_product_uom AS qty,
                   other_loc.usage AS other_usage
              FROM stock_move_line sml
              JOIN scope side ON side.location_id = sml.%(side)s
         LEFT JOIN scope other ON other.location_id = sml.%(other)s
              JOIN stock_location other_loc ON other_loc.id = sml.%(other)s
             WHERE sml.state = 'done' AND sml.date < %(stop)s AND %(products)s
               AND side.scope_id IS DISTINCT FROM other.scope_id
                """,
                sign=sign,
                side=SQL.identifier(side),
                other=SQL.identifier(other),
                stop=stop,
                products=product_condition,
            )
            for sign, side, other in (
                (1, "location_dest_id", "location_id"),
                (-1, "location_id", "location_dest_id"),
            )
        ]
        return SQL("UNION ALL").join(branches)

    @api.model
    def _get_consumption_condition(self, start=None):
        """Condition on the rows of ``flows`` that are consumption: out to
        customers or production, returns from there counting negative; from
        ``start`` on, when given."""
        condition = SQL("other_usage IN %s", CONSUMPTION_USAGES)
        return SQL("%s AND date >= %s", condition, start) if start else condition

    @api.model
    def _get_consumption_value_sql(self, flows_sql, keys):
        """``(keys..., value)``: the cost of the consumption moves of
        ``flows_sql`` (rows of ``flows``), per ``keys`` columns, from their
        valuation layers (each move counted once, however many lines)."""
        return SQL(
            """
            SELECT %(keys)s, -SUM(svl.value) AS value
              FROM (SELECT DISTINCT %(columns)s, move_id FROM (%(flows)s) f) c
              JOIN stock_valuation_layer svl ON svl.stock_move_id = c.move_id
          GROUP BY %(keys)s
            """,
            keys=SQL(", ").join(SQL.identifier("c", key) for key in keys),
            columns=SQL(", ").join(SQL.identifier(key) for key in keys),
            flows=flows_sql,
        )

    @api.model
    def _get_unit_cost_sql(self, stop, product_condition):
        """``unit_cost(product_id, company_id, cost)``: the average unit value
        of the valuation layers created before ``stop`` (stock value over
        stock quantity, what the valuation report shows per unit), for the
        products of ``product_condition`` (on ``svl``) and the allowed
        companies. The aggregate reads every layer of those products
        (millions on big databases): it runs here, on its own, where
        PostgreSQL may scan in parallel (not in the report's cursor), and
        its rows (one per product and company) go to the report query as
        array literals (see ``_get_number_array``)."""
        rows = self._fetch(
            SQL(
                """
                SELECT svl.product_id, svl.company_id,
                       SUM(svl.value) / NULLIF(SUM(svl.quantity), 0) AS cost
                  FROM stock_valuation_layer svl
                 WHERE svl.create_date < %s AND svl.company_id = ANY(%s) AND %s
              GROUP BY svl.product_id, svl.company_id
                """,
                stop,
                self.env.companies.ids,
                product_condition,
            ),
            dicts=False,
        )
        columns = list(zip(*rows, strict=True)) or [(), (), ()]
        return SQL(
            "SELECT * FROM unnest(%s::int[], %s::int[], %s::numeric[])"
            " AS uc(product_id, company_id, cost)",
            *(self._get_number_array(column) for column in columns),
        )

    @api.model
    def _get_number_array(self, values):
        """The array literal (``'{1,2.5,NULL}'``, cast in the query) of
        ``values``, numbers (int, float, Decimal) or None: psycopg2 sends a
        list as ``ARRAY[1, 2.5, NULL]``, an expression per element that
        PostgreSQL parses and coerces, five times slower for the unit costs
        of 20,000 products (0.1 s) than the literal read at once by the
        array type's input function."""
        text = ",".join(map(str, values))
        return "{" + text.replace("None", "NULL") + "}"

    @api.model
    def _get_group_select(self, expressions, keys):
        """``expr AS key, `` per chosen grouping key, written before the
        aggregates of a SELECT (nothing without keys: one total row)."""
        return SQL().join(
            SQL("%s AS %s, ", expressions[key], SQL.identifier(key)) for key in keys
        )

    @api.model
    def _get_group_by(self, expressions, keys, *leading):
        """The GROUP BY list matching ``_get_group_select``, after the
        ``leading`` expressions (``()`` when empty: one row)."""
        terms = [*leading, *(expressions[key] for key in keys)]
        return SQL(", ").join(terms) if terms else SQL("()")

    @api.model
    def _to_rpc_rows(self, rows):
        """Undefined figures (``None``, infinite ratios) become ``False``, as
        everywhere in Odoo's RPC results: XML-RPC has no ``None``. Applied
        in place, to nested lists of dicts too."""
        for row in rows:
            for key, value in row.items():
                if value is None:
                    row[key] = False
                elif value.__class__ is float:
                    if not math.isfinite(value):
                        row[key] = False
                elif value.__class__ is list and value and isinstance(value[0], dict):
                    self._to_rpc_rows(value)
        return rows

    @api.model
    def _iter_query(self, query, size=None, dicts=True):
        """Rows of ``query`` as lists of at most ``size`` dicts (default
        ``CHUNK_SIZE``; tuples unless ``dicts``), read through a server-side
        cursor: neither the database client nor Python holds all the rows at
        once, whatever their number (exports). The query runs with the ``work_mem`` of
        ``_get_work_mem``, is planned for all its rows (PostgreSQL plans a
        cursor for its first tenth, ``cursor_tuple_fraction``, with plans
        that are slower to the end) and without JIT compilation (the
        reports' many expressions took longer to compile, over a second,
        than they saved); the session's settings are restored after the
        last row."""
        self.env.flush_all()
        cr = self.env.cr
        with self._report_settings():
            name = SQL.identifier(f"stock_analytics_{next(_cursor_numbers)}")
            cr.execute(SQL("DECLARE %s NO SCROLL CURSOR FOR %s", name, query))
            fetch = SQL("FETCH FORWARD %s FROM %s", size or CHUNK_SIZE, name)
            while True:
                cr.execute(fetch)
                rows = self._fetch_rows(cr, dicts)
                if not rows:
                    break
                yield rows
            # a cursor left before its end closes with the transaction
            cr.execute(SQL("CLOSE %s", name))

    @api.model
    def _fetch(self, query, dicts=True):
        """All the rows of ``query`` (dicts, else tuples), for a result of
        bounded size (one row per product at most), run with the report
        settings of ``_iter_query`` but without a cursor: PostgreSQL plans
        no parallel scan for a cursor (it may be read in steps), and the
        aggregates read here pass over whole tables."""
        self.env.flush_all()
        with self._report_settings():
            self.env.cr.execute(query)
            return self._fetch_rows(self.env.cr, dicts)

    @api.model
    def _fetch_rows(self, cr, dicts=True):
        """The rows of the last query of ``cr``: dicts (by column name),
        else tuples. The dicts are zipped from the column names read once,
        at half the cost of ``cr.dictfetchall()``, which enumerates the
        cursor's description again for each row (a million rows' export
        reads them all)."""
        rows = cr.fetchall()
        if not dicts:
            return rows
        names = [column.name for column in cr.description]
        return [dict(zip(names, row, strict=True)) for row in rows]

    @contextmanager
    def _report_settings(self):
        """Run the block with the report queries' settings (see
        ``_iter_query``), then restore the session's. They are set for the
        transaction only: a block left before its end (an error, rows not
        read to the last) leaves them until the transaction ends."""
        cr = self.env.cr
        settings = {
            "work_mem": self._get_work_mem(),
            "cursor_tuple_fraction": "1",
            "jit": "off",
        }
        cr.execute(
            SQL(
                "SELECT %s",
                SQL(", ").join(SQL("current_setting(%s)", name) for name in settings),
            )
        )
        saved = dict(zip(settings, cr.fetchone(), strict=True))
        self._set_configs(settings)
        yield
        self._set_configs(saved)

    @api.model
    def _set_configs(self, settings):
        """Set the ``{name: value}`` settings for the transaction."""
        self.env.cr.execute(
            SQL(
                "SELECT %s",
                SQL(", ").join(
                    SQL("set_config(%s, %s, TRUE)", name, value)
                    for name, value in settings.items()
                ),
            )
        )

    @api.model
    def _get_work_mem(self):
        """Memory for each sort and hash of the report queries."""
        return WORK_MEM

    @api.model
    def _collect(self, chunks, rpc_ready=False):
        """The rows of ``chunks`` (of an ``_iter_*`` method) as one list, as
        the RPC methods return them (through ``_to_rpc_rows`` unless
        ``rpc_ready``), built with the cyclic garbage collector paused (see
        ``lib/gc_pause.py``)."""
        with gc_pause.paused():
            rows = [row for chunk in chunks for row in chunk]
            return rows if rpc_ready else self._to_rpc_rows(rows)
