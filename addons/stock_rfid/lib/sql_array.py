"""PostgreSQL array literals of Python lists, with no ORM.

psycopg2 sends a list as ``ARRAY[v1, v2, ...]``: PostgreSQL then parses and
coerces one expression per element, which for the thousands of values of a
reader batch costs five times more than the rows' work. ``literal(values)``
is one string parameter, ``'{v1,v2,...}'``, that the server reads at once
with the array type's input function: cast it in the query
(``%s::int[]``, ``unnest(%s::timestamp[])``).
"""

from datetime import date


def _element(value):
    kind = type(value)
    if kind is int or kind is float:
        return str(value)
    if value is None:
        return "NULL"
    if kind is bool:
        return "t" if value else "f"
    text = value.isoformat(" ") if isinstance(value, date) else str(value)
    if "\\" in text or '"' in text:
        text = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def literal(values):
    """The array literal of ``values``: None, booleans, numbers, dates and
    datetimes (naive, as Odoo stores them) and strings, any of them."""
    return "{" + ",".join(map(_element, values)) + "}"
