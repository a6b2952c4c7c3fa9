"""Demand forecasting on a regular series of period demands (no ORM).

Two methods, both one-step-ahead and flat over the horizon:

* simple exponential smoothing (SES), for regular demand;
* Croston's method, for intermittent demand (many zero periods): it smooths
  the non-zero demand sizes and the intervals between them separately and
  forecasts their ratio.

``select_forecast`` fits both on the history with a few smoothing constants
and keeps the one with the lowest MASE (mean absolute scaled error: in-sample
one-step errors over those of the naive "same as last period" forecast).
"""

import numpy as np

DEFAULT_ALPHAS = (0.1, 0.2, 0.3, 0.5)


def ses(series, alpha):
    """Simple exponential smoothing.

    Returns ``(fitted, forecast)``: ``fitted[t]`` is the forecast of
    ``series[t]`` made after ``series[t - 1]`` (``None`` for ``t = 0``), the
    level starting at the first observation.
    """
    if not series:
        return [], 0.0
    level = float(series[0])
    fitted = [None]
    for value in series[1:]:
        fitted.append(level)
        level += alpha * (value - level)
    return fitted, level


def croston(series, alpha):
    """Croston's method (no bias correction).

    Size ``z`` and interval ``p`` start at the first non-zero demand and the
    number of periods up to it; both are updated with ``alpha`` at each
    non-zero demand only. Forecasts are ``z / p``; ``None`` until the first
    demand. Returns ``(fitted, forecast)``.
    """
    fitted = []
    size = interval = None
    since = 0
    for value in series:
        since += 1
        fitted.append(size / interval if size is not None else None)
        if value:
            if size is None:
                size, interval = float(value), float(since)
            else:
                size += alpha * (value - size)
                interval += alpha * (since - interval)
            since = 0
    return fitted, (size / interval if size is not None else 0.0)


def mase(series, fitted):
    """Mean absolute scaled error of the fitted one-step forecasts.

    The scale is the in-sample mean absolute error of the naive forecast.
    ``None`` when it cannot be computed (fewer than two periods, or no
    fitted value); ``0`` for a perfect fit of a constant series.
    """
    naive = [abs(series[t] - series[t - 1]) for t in range(1, len(series))]
    errors = [abs(y - f) for y, f in zip(series, fitted, strict=True) if f is not None]
    if not naive or not errors:
        return None
    scale = sum(naive) / len(naive)
    error = sum(errors) / len(errors)
    if not scale:
        return 0.0 if not error else float("inf")
    return error / scale


def mape(series, fitted):
    """Mean absolute percentage error over the periods with demand.

    ``None`` when no period with demand has a fitted value.
    """
    ratios = [
        abs(y - f) / abs(y)
        for y, f in zip(series, fitted, strict=True)
        if f is not None and y
    ]
    return sum(ratios) / len(ratios) if ratios else None


def select_forecast(series, alphas=DEFAULT_ALPHAS):
    """Fit SES and Croston with each alpha; keep the lowest MASE.

    Returns a dict with ``method`` (``"ses"`` or ``"croston"``), ``alpha``,
    ``mase``, ``mape`` and ``forecast`` (the per-period quantity). Without
    any demand the forecast is zero (method ``"none"``). Ties go to SES,
    then to the smaller alpha.
    """
    if not any(series):
        return {
            "method": "none",
            "alpha": 0.0,
            "mase": None,
            "mape": None,
            "forecast": 0.0,
        }
    best = None
    for method, function in (("ses", ses), ("croston", croston)):
        for alpha in alphas:
            fitted, forecast = function(series, alpha)
            error = mase(series, fitted)
            rank = float("inf") if error is None else error
            if best is None or rank < best[0]:
                best = (rank, method, alpha, error, fitted, forecast)
    __, method, alpha, error, fitted, forecast = best
    return {
        "method": method,
        "alpha": alpha,
        "mase": error,
        "mape": mape(series, fitted),
        "forecast": forecast,
    }


def select_forecasts(matrix, alphas=DEFAULT_ALPHAS):
    """``select_forecast`` for many series at once, vectorised with numpy.

    ``matrix`` holds one series per row, all of the same length; each is
    first trimmed of its leading periods without demand (as a series starts
    with its first demand). Returns one dict per row, equal to
    ``select_forecast(trimmed_row, alphas)``: see ``fit_forecasts``.
    """
    fits = fit_forecasts(matrix, alphas)
    return [
        {
            "method": METHODS[method],
            "alpha": alpha,
            "mase": None if error != error else error,
            "mape": None if ratio != ratio else ratio,
            "forecast": forecast,
        }
        for method, alpha, error, ratio, forecast in zip(
            *(column.tolist() for column in fits), strict=True
        )
    ]


# the methods of fit_forecasts, by index
METHODS = ("none", "ses", "croston")


def fit_forecasts(matrix, alphas=DEFAULT_ALPHAS):
    """The selections of ``select_forecast`` for the rows of ``matrix`` (one
    series per row, all of the same length), each row first trimmed of its
    leading periods without demand, as arrays: ``(methods, alphas, mases,
    mapes, forecasts)``, methods as indexes of ``METHODS``, NaN where
    ``select_forecast`` gives None.

    The same float operations in the same order as ``select_forecast``
    (sums accumulate period after period), so the selections and their ties
    come out exactly the same, but over arrays of series and smoothing
    constants:

    * the series are aligned on their first demand and sorted from the
      longest, so that at each period the series still running are the
      first ones, updated in place, and no work is done for the periods
      before a series starts;
    * the arrays hold a row per smoothing constant and a column per series
      (numpy's inner loops then run along the series, not the constants);
    * a first pass fits both methods with every alpha for their MASE, a
      second one only the chosen alpha of each series, for the MAPE.
    """
    size = len(matrix)
    if not size:
        return tuple(np.zeros(0) for __ in range(5))
    y = np.asarray(matrix, dtype=float).reshape(size, -1)
    periods = y.shape[1]
    nonzero = y != 0
    demands = nonzero.sum(axis=1)
    start = np.where(demands, nonzero.argmax(axis=1), periods)
    order = np.argsort(start, kind="stable")
    start = start[order]
    lengths = periods - start
    shifted = np.minimum(start[:, None] + np.arange(periods), periods - 1)
    # one row per period of the aligned series
    aligned = np.ascontiguousarray(np.take_along_axis(y[order], shifted, axis=1).T)
    # the series longer than k periods are the first ``running[k]`` ones
    running = np.searchsorted(-lengths, -np.arange(periods), side="left").tolist()
    grid = np.asarray(alphas, dtype=float)[:, None]
    states = (_SesState(aligned, grid), _CrostonState(aligned, grid))
    naive = np.zeros(size)
    _run(aligned, running, states, naive)
    count = np.maximum(lengths - 1, 0).astype(float)
    rank = np.concatenate([state.mase(naive, count) for state in states])
    choice = np.argmin(np.where(np.isnan(rank), np.inf, rank), axis=0)
    method, alpha = np.divmod(choice, len(alphas))
    chosen = grid[alpha, 0][None, :]
    refits = (
        _SesState(aligned, chosen, ratios=True),
        _CrostonState(aligned, chosen, ratios=True),
    )
    _run(aligned, running, refits)
    is_ses = method == 0
    has_demand = lengths > 0
    # periods with demand after the first, those with a one-step forecast
    with_forecast = demands[order] - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(is_ses, refits[0].ratios[0], refits[1].ratios[0])
        mapes = np.where(with_forecast > 0, ratios / with_forecast, np.nan)
    fits = (
        np.where(has_demand, method + 1, 0),
        np.where(has_demand, chosen[0], 0.0),
        np.where(has_demand, rank[choice, np.arange(size)], np.nan),
        np.where(has_demand, mapes, np.nan),
        np.where(
            has_demand,
            np.where(is_ses, refits[0].forecast(), refits[1].forecast()),
            0.0,
        ),
    )
    unsorted = np.empty(size, dtype=int)
    unsorted[order] = np.arange(size)
    return tuple(column[unsorted] for column in fits)


def _run(aligned, running, states, naive=None):
    """Step ``states`` through the periods (rows) of the ``aligned`` series,
    and add up the errors of the naive forecast in ``naive``."""
    for k in range(1, len(aligned)):
        rows = running[k]
        if not rows:
            break
        value = aligned[k, :rows]
        if naive is not None:
            naive[:rows] += np.abs(value - aligned[k - 1, :rows])
        with_demand = value != 0
        for state in states:
            state.step(rows, value, with_demand)


class _FitState:
    """Running errors of one method fitted on all series (columns of
    ``y``, aligned on their first demand) with each smoothing constant of
    ``alpha``: a column (every constant for every series) or a row (one per
    series). With ``ratios``, the sums of the percentage errors too."""

    def __init__(self, y, alpha, ratios=False):
        self.alpha = alpha
        self.first = np.repeat(y[:1], len(alpha), axis=0)
        self.errors = np.zeros(self.first.shape)
        self.ratios = np.zeros(self.first.shape) if ratios else None

    def _add_errors(self, rows, value, with_demand, fitted):
        """Add the errors of the one-step forecasts ``fitted`` of the first
        ``rows`` series, whose actual demands are ``value``."""
        error = np.subtract(value, fitted)
        np.abs(error, out=error)
        self.errors[:, :rows] += error
        if self.ratios is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                self.ratios[:, :rows] += np.where(
                    with_demand, error / np.abs(value), 0.0
                )

    def _smooth(self, target, value, alpha):
        """``target + alpha * (value - target)``, as a new array."""
        step = np.subtract(value, target)
        step *= alpha
        step += target
        return step

    def mase(self, naive, count):
        """MASE per alpha and series; NaN where ``mase`` gives ``None``."""
        with np.errstate(divide="ignore", invalid="ignore"):
            error = self.errors / count
            scale = naive / count
            result = np.where(
                scale == 0, np.where(error == 0, 0.0, np.inf), error / scale
            )
        return np.where(count > 0, result, np.nan)


class _SesState(_FitState):
    def __init__(self, y, alpha, ratios=False):
        super().__init__(y, alpha, ratios)
        self.level = self.first.copy()

    def step(self, rows, value, with_demand):
        level = self.level[:, :rows]
        self._add_errors(rows, value, with_demand, level)
        step = np.subtract(value, level)
        step *= self.alpha[:, :rows]
        level += step

    def forecast(self):
        """The forecasts of a fit with one alpha per series."""
        return self.level[0]


class _CrostonState(_FitState):
    def __init__(self, y, alpha, ratios=False):
        super().__init__(y, alpha, ratios)
        self.size = self.first.copy()
        self.interval = np.ones(self.first.shape)
        self.since = np.zeros(y.shape[1])

    def step(self, rows, value, with_demand):
        size, interval = self.size[:, :rows], self.interval[:, :rows]
        since = self.since[:rows]
        self._add_errors(rows, value, with_demand, size / interval)
        since += 1
        # only the series with a demand in this period change
        hit = np.flatnonzero(with_demand)
        alpha = self.alpha if self.alpha.shape[1] == 1 else self.alpha[:, hit]
        self.size[:, hit] = self._smooth(self.size[:, hit], value[hit], alpha)
        self.interval[:, hit] = self._smooth(self.interval[:, hit], since[hit], alpha)
        since[hit] = 0.0

    def forecast(self):
        """The forecasts of a fit with one alpha per series."""
        return self.size[0] / self.interval[0]
