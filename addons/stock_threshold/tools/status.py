"""Status codes of a stock position against its threshold levels.

The classification itself is one SQL expression, in the evaluation query of
``stock.position`` (``_evaluation_query``), shared by the live API and the
stored statuses; its codes are these, listed from the least to the most
urgent (the order gives ``status_priority``).
"""

STATUS_SELECTION = [
    ("none", "No rule"),
    ("ok", "OK"),
    ("overstock", "Overstock"),
    ("below_min", "Below minimum"),
    ("below_safety", "Below safety stock"),
    ("out_of_stock", "Out of stock"),
]

# Severity of a rule, and of its alerts (a worse kind adds steps).
SEVERITY_SELECTION = [
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
    ("critical", "Critical"),
]
