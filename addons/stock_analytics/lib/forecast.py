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
