"""Status codes of a stock position against its threshold levels.

The classification is one SQL expression in the evaluation query of
``stock.position`` (``_evaluation_query``) for the live API, and the same
computation in numpy (``_evaluate_governed``) for the stored statuses; its
codes are these, listed from the least to the most urgent (the index of a
code is its ``status_priority``, and the status of the numpy evaluation).
"""

STATUS_SELECTION = [
    ("none", "No rule"),
    ("ok", "OK"),
    ("overstock", "Overstock"),
    ("below_min", "Below minimum"),
    ("below_safety", "Below safety stock"),
    ("out_of_stock", "Out of stock"),
]
STATUS_CODES = tuple(code for code, _label in STATUS_SELECTION)

# Severity of a rule, and of its alerts (a worse kind adds steps).
SEVERITY_SELECTION = [
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
    ("critical", "Critical"),
]
