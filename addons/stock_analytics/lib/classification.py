"""ABC and XYZ classification, plain Python (no ORM).

ABC ranks items by their share of the total consumption value; XYZ ranks
them by the variability of their demand (coefficient of variation).
"""

from math import sqrt

DEFAULT_ABC_CUTOFFS = (0.8, 0.95)
DEFAULT_XYZ_CUTOFFS = (0.5, 1.0)


def abc_classes(values, cutoffs=DEFAULT_ABC_CUTOFFS):
    """Return ``{key: (class, share, cumulative_share)}`` for ``{key: value}``.

    Items are sorted by decreasing value (ties by key, for a stable result).
    An item is ``A`` while the cumulative share of the items ranked before it
    is below the first cut-off, ``B`` below the second one, ``C`` otherwise,
    so the item that crosses a boundary stays in the better class. Items
    without positive value are ``C``.
    """
    a_cut, b_cut = cutoffs
    total = sum(v for v in values.values() if v > 0)
    result = {}
    before = 0.0
    for key, value in sorted(values.items(), key=lambda kv: (-kv[1], kv[0])):
        if value <= 0 or not total:
            result[key] = ("C", 0.0, before)
            continue
        share = value / total
        klass = "A" if before < a_cut else "B" if before < b_cut else "C"
        before += share
        result[key] = (klass, share, before)
    return result


def coefficient_of_variation(series):
    """Population standard deviation over mean; ``None`` without demand."""
    if not series:
        return None
    mean = sum(series) / len(series)
    if mean <= 0:
        return None
    variance = sum((x - mean) ** 2 for x in series) / len(series)
    return sqrt(variance) / mean


def xyz_class(cv, cutoffs=DEFAULT_XYZ_CUTOFFS):
    """``X`` up to the first cut-off, ``Y`` up to the second, else ``Z``.

    No demand at all (``cv is None``) is ``Z``: nothing can be planned on it.
    """
    x_cut, y_cut = cutoffs
    if cv is None:
        return "Z"
    return "X" if cv <= x_cut else "Y" if cv <= y_cut else "Z"
