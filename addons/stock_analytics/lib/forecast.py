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
    ``select_forecast(trimmed_row, alphas)``: the same float operations in
    the same order (sums accumulate period after period), so the selection
    and its ties come out exactly the same, but over arrays of series and
    smoothing constants instead of one series and one constant at a time.
    """
    if not len(matrix):
        return []
    y = np.asarray(matrix, dtype=float).reshape(len(matrix), -1)
    nonzero = y != 0
    start = np.where(nonzero.any(axis=1), nonzero.argmax(axis=1), y.shape[1])
    ses_state, croston_state = (
        _SesState(y, start, alphas),
        _CrostonState(y, start, alphas),
    )
    naive = np.zeros(len(y))
    for t in range(1, y.shape[1]):
        active = t > start
        naive += np.where(active, np.abs(y[:, t] - y[:, t - 1]), 0.0)
        ses_state.step(t, active)
        croston_state.step(t, active)
    count = np.maximum(y.shape[1] - start - 1, 0)
    states = (ses_state, croston_state)
    rank = np.concatenate([s.mase(naive, count) for s in states], axis=1)
    choice = np.argmin(np.where(np.isnan(rank), np.inf, rank), axis=1)
    return _get_results(states, alphas, choice, rank, start < y.shape[1])


class _FitState:
    """Running errors of one method fitted with every alpha on all series."""

    def __init__(self, y, start, alphas):
        self.y = y
        self.alpha = np.asarray(alphas, dtype=float)[None, :]
        first = y[np.arange(len(y)), np.minimum(start, y.shape[1] - 1)][:, None]
        self.first = np.repeat(first, len(alphas), axis=1)
        self.errors = np.zeros(self.first.shape)
        self.ratios = np.zeros(self.first.shape)
        self.demands = np.zeros(len(y), dtype=int)

    def _add_errors(self, t, active, fitted):
        """Add the errors of the one-step forecasts ``fitted`` of period ``t``."""
        value = self.y[:, t][:, None]
        active = active[:, None]
        error = np.abs(value - fitted)
        self.errors += np.where(active, error, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            with_demand = active & (value != 0)
            self.ratios += np.where(with_demand, error / np.abs(value), 0.0)
        self.demands += with_demand[:, 0]

    def mase(self, naive, count):
        """MASE per series and alpha; NaN where ``mase`` gives ``None``."""
        with np.errstate(divide="ignore", invalid="ignore"):
            count = count[:, None].astype(float)
            error = self.errors / count
            scale = (naive / count[:, 0])[:, None]
            result = np.where(
                scale == 0, np.where(error == 0, 0.0, np.inf), error / scale
            )
        return np.where(count > 0, result, np.nan)


class _SesState(_FitState):
    def __init__(self, y, start, alphas):
        super().__init__(y, start, alphas)
        self.level = self.first.copy()

    def step(self, t, active):
        self._add_errors(t, active, self.level)
        value = self.y[:, t][:, None]
        updated = self.level + self.alpha * (value - self.level)
        self.level = np.where(active[:, None], updated, self.level)


class _CrostonState(_FitState):
    def __init__(self, y, start, alphas):
        super().__init__(y, start, alphas)
        self.size = self.first.copy()
        self.interval = np.ones(self.first.shape)
        self.since = np.zeros((len(y), 1))

    def step(self, t, active):
        self._add_errors(t, active, self.size / self.interval)
        value = self.y[:, t][:, None]
        self.since = np.where(active[:, None], self.since + 1, self.since)
        demand = active[:, None] & (value != 0)
        size = self.size + self.alpha * (value - self.size)
        interval = self.interval + self.alpha * (self.since - self.interval)
        self.size = np.where(demand, size, self.size)
        self.interval = np.where(demand, interval, self.interval)
        self.since = np.where(demand, 0.0, self.since)


def _get_results(states, alphas, choice, rank, has_demand):
    """The result dicts of the series for their chosen method and alpha,
    picked from the arrays at once."""
    rows = np.arange(len(choice))
    method, alpha = np.divmod(choice, len(alphas))
    is_ses = method == 0
    forecast = np.where(
        is_ses,
        states[0].level[rows, alpha],
        states[1].size[rows, alpha] / states[1].interval[rows, alpha],
    )
    demands = states[0].demands
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(
            is_ses, states[0].ratios[rows, alpha], states[1].ratios[rows, alpha]
        )
        mape = ratios / demands
    error = rank[rows, choice]
    none = select_forecast([])
    return [
        {
            "method": "ses" if ses else "croston",
            "alpha": alphas[a],
            "mase": None if e != e else e,
            "mape": m if d else None,
            "forecast": f,
        }
        if demand
        else dict(none)
        for ses, a, e, m, d, f, demand in zip(
            is_ses.tolist(),
            alpha.tolist(),
            error.tolist(),
            mape.tolist(),
            demands.tolist(),
            forecast.tolist(),
            has_demand.tolist(),
            strict=True,
        )
    ]
