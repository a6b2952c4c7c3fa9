import numpy as np

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.date_utils import get_timedelta, start_of

from ..lib.forecast import DEFAULT_ALPHAS, METHODS, fit_forecasts

# a move of the forecast query's demand column: int4send(period index) ||
# float8send(quantity), PostgreSQL's binary forms (big-endian)
DEMAND_DTYPE = np.dtype([("period", ">i4"), ("quantity", ">f8")])


class StockAnalyticsForecast(models.AbstractModel):
    _name = "stock.analytics.forecast"
    _inherit = "stock.analytics.mixin"
    _description = "Demand Forecast Report"

    @api.model
    def get_forecast(self, **filters):
        """Forecast rows as a list of dicts (RPC): see ``_iter_forecast`` for
        the keyword filters and the rows."""
        return self._collect(self._iter_forecast(**filters), rpc_ready=True)

    @api.model
    def _iter_forecast(
        self,
        at_date=None,
        warehouse_ids=None,
        location_ids=None,
        category_ids=None,
        product_ids=None,
        period="month",
        history_periods=24,
        periods=3,
        alphas=DEFAULT_ALPHAS,
    ):
        """Demand forecast per product x warehouse for the ``periods`` periods
        starting with the one of ``at_date`` (default today), from the demand
        (deliveries to customers and production, net of returns) of the
        ``history_periods`` complete periods before it.

        Per series, simple exponential smoothing and Croston's method are
        fitted with each of ``alphas`` and the lowest MASE wins (see
        ``lib/forecast.py``, vectorised over each chunk of series); leading
        periods before the first demand are ignored. Periods start at
        midnight in the user's time zone. Rows: ``product_id``,
        ``warehouse_id``, ``method``, ``alpha``, ``mase``, ``mape``,
        ``history`` (quantities, oldest first) and ``forecast``: a list of
        ``{period_start, quantity}``; ``mase`` and ``mape`` are False where
        they are undefined (e.g. a series with one period of demand).
        """
        self._check_analytics_access()
        self._check_period(period)
        if not all(
            isinstance(count, int) and not isinstance(count, bool) and count > 0
            for count in (history_periods, periods)
        ):
            raise UserError(
                self.env._(
                    "The history and the forecast need a whole number of periods,"
                    " at least one: got %(history)r and %(periods)r.",
                    history=history_periods,
                    periods=periods,
                )
            )
        first, current = self._get_forecast_window(at_date, period, history_periods)
        query = self._get_forecast_query(
            [first + get_timedelta(i, period) for i in range(history_periods)],
            current,
            self._get_scope_sql("warehouse", warehouse_ids, location_ids),
            self._get_product_condition("sml", product_ids, category_ids),
        )
        starts = [current + get_timedelta(i, period) for i in range(periods)]
        for chunk in self._iter_query(query, dicts=False):
            yield self._prepare_forecast_rows(chunk, history_periods, starts, alphas)

    @api.model
    def _get_forecast_window(self, at_date, period, history_periods):
        """First day of the history and first day of the current period."""
        at_date, __ = self._get_at(at_date)
        current = start_of(at_date, period)
        return current - get_timedelta(history_periods, period), current

    @api.model
    def _get_forecast_query(self, history, current, scope_sql, products):
        """Per product x warehouse, its consumption moves of the periods of
        ``history`` (the first days of the periods, before ``current``, the
        first day of the current one): ``demand``, for each move its period
        index and quantity, packed in binary as ``DEMAND_DTYPE`` (read into
        numpy at once, not parsed into Python numbers; summed per period by
        ``_prepare_forecast_rows``: a series has about one move per period
        with demand, and grouping them first in SQL cost more than it
        saved). Moves fall in their periods by their UTC datetimes against
        the UTC starts of the periods (a binary search on a few datetimes
        per move, not a time zone conversion and date parts)."""
        return SQL(
            """
            WITH scope AS (%(scope)s),
            flows AS (%(flows)s)
            SELECT product_id, scope_id,
                   string_agg(
                       int4send(width_bucket(date, %(starts)s::timestamp[]) - 1)
                       || float8send(-qty::float8), ''::bytea
                   ) AS demand
              FROM flows WHERE %(consumed)s
          GROUP BY product_id, scope_id
          ORDER BY product_id, scope_id
            """,
            scope=scope_sql,
            flows=self._get_flows_sql(
                products, self._get_utc_start(current), self._get_utc_start(history[0])
            ),
            starts=[self._get_utc_start(day) for day in history],
            consumed=self._get_consumption_condition(),
        )

    @api.model
    def _prepare_forecast_rows(self, records, history_periods, starts, alphas):
        """Build the series of the records (tuples of the query's columns),
        select their methods at once and spread each forecast over the
        ``starts`` of the forecast periods. The rows are built from the
        arrays of ``fit_forecasts`` at once, ready for RPC (an undefined
        error is False)."""
        demands = [demand for __, __, demand in records]
        moves = np.frombuffer(b"".join(demands), dtype=DEMAND_DTYPE)
        cells = np.repeat(
            np.arange(len(records)) * history_periods,
            [len(demand) // DEMAND_DTYPE.itemsize for demand in demands],
        )
        cells += moves["period"]
        series = np.bincount(
            cells,
            weights=moves["quantity"],
            minlength=len(records) * history_periods,
        ).reshape(len(records), history_periods)
        methods, alpha, mase, mape, forecast = fit_forecasts(series, alphas)
        return [
            {
                "product_id": product,
                "warehouse_id": warehouse,
                "method": METHODS[method],
                "alpha": alpha,
                "mase": mase,
                "mape": mape,
                "history": history,
                "forecast": periods,
            }
            for product, warehouse, method, alpha, mase, mape, periods, history in zip(
                [product_id for product_id, __, __ in records],
                [warehouse_id for __, warehouse_id, __ in records],
                methods.tolist(),
                alpha.tolist(),
                self._get_rpc_floats(mase),
                self._get_rpc_floats(mape),
                self._get_forecast_periods(forecast, starts),
                self._get_history_lists(series),
                strict=True,
            )
        ]

    @api.model
    def _get_forecast_periods(self, forecast, starts):
        """Per series, its ``forecast`` quantity for each of ``starts``: a
        list of ``{period_start, quantity}``, made in one pass (not a
        comprehension per series)."""
        flat = [
            {"period_start": start, "quantity": quantity}
            for quantity in forecast.tolist()
            for start in starts
        ]
        size = len(starts)
        return [flat[i : i + size] for i in range(0, len(flat), size)]

    @api.model
    def _get_rpc_floats(self, values):
        """The float array ``values`` as a list, NaN and infinities False."""
        result = values.tolist()
        for index in np.flatnonzero(~np.isfinite(values)).tolist():
            result[index] = False
        return result

    @api.model
    def _get_history_lists(self, series):
        """The rows of ``series`` as lists, their zeros one shared float:
        most periods of most series have no demand, and a float per period
        of a few hundred thousand series took more memory than the rest of
        their rows (and longer to make)."""
        histories = [[0.0] * series.shape[1] for __ in range(len(series))]
        rows, periods = np.nonzero(series)
        for row, period, quantity in zip(
            rows.tolist(), periods.tolist(), series[rows, periods].tolist(), strict=True
        ):
            histories[row][period] = quantity
        return histories
