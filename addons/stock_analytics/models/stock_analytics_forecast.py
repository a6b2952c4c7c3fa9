import itertools

import numpy as np

from odoo import api, models
from odoo.tools import SQL
from odoo.tools.date_utils import get_timedelta, start_of

from ..lib.forecast import DEFAULT_ALPHAS, select_forecasts


class StockAnalyticsForecast(models.AbstractModel):
    _name = "stock.analytics.forecast"
    _inherit = "stock.analytics.mixin"
    _description = "Demand Forecast Report"

    @api.model
    def get_forecast(self, **filters):
        """Forecast rows as a list of dicts (RPC): see ``_iter_forecast`` for
        the keyword filters and the rows."""
        return self._collect(self._iter_forecast(**filters))

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
        ``{period_start, quantity}``.
        """
        self._check_analytics_access()
        self._check_period(period)
        first, current = self._get_forecast_window(at_date, period, history_periods)
        query = self._get_forecast_query(
            period,
            first,
            current,
            self._get_scope_sql("warehouse", warehouse_ids, location_ids),
            self._get_product_condition("sml", product_ids, category_ids),
        )
        starts = [current + get_timedelta(i, period) for i in range(periods)]
        for chunk in self._iter_query(query):
            yield self._prepare_forecast_rows(chunk, history_periods, starts, alphas)

    @api.model
    def _get_forecast_window(self, at_date, period, history_periods):
        """First day of the history and first day of the current period."""
        at_date, __ = self._get_at(at_date)
        current = start_of(at_date, period)
        return current - get_timedelta(history_periods, period), current

    @api.model
    def _get_forecast_query(self, period, first, current, scope_sql, products):
        """Per product x warehouse, the demand of each history period as an
        array of period indexes and quantities."""
        if period == "week":
            index = SQL("(sml_date::date - %s::date) / 7", first)
        else:
            index = SQL(
                "(EXTRACT(YEAR FROM sml_date) * 12 + EXTRACT(MONTH FROM sml_date))::int"
                " - %s",
                first.year * 12 + first.month,
            )
        return SQL(
            """
            WITH scope AS (%(scope)s),
            flows AS (%(flows)s),
            demand AS (
                SELECT product_id, scope_id, %(index)s AS idx, -SUM(qty) AS qty
                  FROM (SELECT *, %(local_date)s AS sml_date FROM flows
                         WHERE %(consumed)s) f
              GROUP BY product_id, scope_id, idx
            )
            SELECT product_id, scope_id, array_agg(idx) AS idx,
                   array_agg(qty)::float8[] AS qty
              FROM demand GROUP BY product_id, scope_id
          ORDER BY product_id, scope_id
            """,
            scope=scope_sql,
            flows=self._get_flows_sql(
                products, self._get_utc_start(current), self._get_utc_start(first)
            ),
            local_date=self._get_local_sql(SQL("date")),
            index=index,
            consumed=self._get_consumption_condition(),
        )

    @api.model
    def _prepare_forecast_rows(self, records, history_periods, starts, alphas):
        """Build the series of the records, select their methods at once and
        spread each forecast over the ``starts`` of the forecast periods."""
        lengths = [len(rec["idx"]) for rec in records]
        series = np.zeros((len(records), history_periods))
        np.add.at(
            series,
            (
                np.repeat(np.arange(len(records)), lengths),
                np.fromiter(
                    itertools.chain.from_iterable(rec["idx"] for rec in records),
                    dtype=int,
                ),
            ),
            list(itertools.chain.from_iterable(rec["qty"] for rec in records)),
        )
        fits = select_forecasts(series, alphas)
        return [
            {
                "product_id": rec["product_id"],
                "warehouse_id": rec["scope_id"],
                "method": fit["method"],
                "alpha": fit["alpha"],
                "mase": fit["mase"],
                "mape": fit["mape"],
                "history": history,
                "forecast": [
                    {"period_start": start, "quantity": fit["forecast"]}
                    for start in starts
                ],
            }
            for rec, fit, history in zip(records, fits, series.tolist(), strict=True)
        ]
