"""Data-driven threshold levels, without the ORM.

Safety stock covers the variability of the demand over the lead time at a
target service level (``z x sigma x sqrt(lead time)``); the minimum adds the
expected demand over the lead time, the maximum the demand of one order
cycle on top.
"""

import math
from statistics import NormalDist


def service_level_z(service_level):
    """The z-score of a service level given in percent (95 -> 1.645)."""
    if not 0 < service_level < 100:
        raise ValueError("The service level is a percentage between 0 and 100.")
    return NormalDist().inv_cdf(service_level / 100.0)


def usage_statistics(total, squares, days):
    """Mean and population standard deviation of a daily usage series given
    by its sum and sum of squares over ``days`` days (days without usage
    count as zeros)."""
    if days <= 0:
        return 0.0, 0.0
    mean = total / days
    variance = max(squares / days - mean * mean, 0.0)
    return mean, math.sqrt(variance)


def suggest_levels(mean, sigma, lead_days, service_level, cycle_days):
    """``{"safety", "minimum", "maximum", "z"}`` for a daily usage of mean
    ``mean`` and deviation ``sigma``."""
    z = service_level_z(service_level)
    lead_days = max(lead_days, 0.0)
    safety = z * sigma * math.sqrt(lead_days)
    minimum = mean * lead_days + safety
    return {
        "z": z,
        "safety": safety,
        "minimum": minimum,
        "maximum": minimum + mean * max(cycle_days, 0.0),
    }
