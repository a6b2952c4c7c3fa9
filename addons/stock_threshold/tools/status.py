"""Plain-Python classification of a stock position against threshold levels.

Kept outside the models so that the evaluation, the live API and tests share
one definition of every status code and of its precedence.
"""

from dataclasses import dataclass

STATUS_SELECTION = [
    ("none", "No rule"),
    ("ok", "OK"),
    ("overstock", "Overstock"),
    ("below_min", "Below minimum"),
    ("below_safety", "Below safety stock"),
    ("out_of_stock", "Out of stock"),
]


@dataclass(frozen=True)
class Levels:
    """Threshold levels of one product x scope, in the product's unit."""

    min_qty: float
    safety_qty: float
    max_qty: float  # 0 means "no maximum"


def levels_for(rule_values, daily_usage):
    """Return the quantity levels of a rule.

    ``rule_values`` is a mapping with ``threshold_type`` ("quantity" or
    "days"), ``min_value``, ``safety_value`` and ``max_value``. Levels given in
    days of cover become quantities through the average daily usage.
    """
    factor = daily_usage if rule_values["threshold_type"] == "days" else 1.0
    return Levels(
        min_qty=rule_values["min_value"] * factor,
        safety_qty=rule_values["safety_value"] * factor,
        max_qty=rule_values["max_value"] * factor,
    )


def classify(free, forecast, levels):
    """Return the status code of a position.

    Out of stock looks at what can be used now (free quantity); the other
    levels look at the forecast, as Odoo's reordering rules do, so that a
    product already on order is not reported again.
    """
    if free <= 0:
        return "out_of_stock"
    if forecast < levels.safety_qty:
        return "below_safety"
    if forecast < levels.min_qty:
        return "below_min"
    if levels.max_qty and forecast > levels.max_qty:
        return "overstock"
    return "ok"


def days_of_cover(free, incoming_within_lead, daily_usage):
    """Days the free stock plus what arrives within lead time lasts; None
    when there is no usage (an infinite cover is not a number)."""
    if daily_usage <= 0:
        return None
    return (free + incoming_within_lead) / daily_usage
