"""PostgreSQL array literals of Python lists, with no ORM.

psycopg2 sends a list as ``ARRAY[v1, v2, ...]``: PostgreSQL then parses and
coerces one expression per element, which for the thousands of values of a
reader batch costs five times more than the rows' work. ``literal(values)``
is one string parameter, ``'{v1,v2,...}'``, that the server reads at once
with the array type's input function: cast it in the query
(``%s::int[]``, ``unnest(%s::timestamp[])``).
"""

from datetime import date, datetime
from types import NoneType

_NUMBERS = frozenset({int, float, NoneType})
_DATETIMES = frozenset({datetime})
_STRINGS = frozenset({str})


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


def _texts(values):
    """The elements of strings that need no escaping, else None."""
    joined = "".join(values)
    if "\\" in joined or '"' in joined:
        return None
    return '"' + '","'.join(values) + '"'


def _datetimes(values):
    """The elements of datetimes: str() is their isoformat(" "). The times of
    a batch's reads, kept to the second, repeat: each distinct one is
    written once (str() of a datetime costs nine times a dict lookup)."""
    distinct = set(values)
    if len(distinct) * 2 > len(values):
        return '"' + '","'.join(map(str, values)) + '"'
    texts = {value: str(value) for value in distinct}
    return '"' + '","'.join(map(texts.__getitem__, values)) + '"'


def _elements(values, kinds):
    """The elements of ``values`` of the types ``kinds``, a batch's columns
    (thousands of values of one type) joined at once, not one by one."""
    if kinds <= _NUMBERS:
        text = ",".join(map(str, values))
        return text.replace("None", "NULL") if NoneType in kinds else text
    if kinds == _DATETIMES:
        return _datetimes(values)
    if kinds == _STRINGS:
        return _texts(values)
    return None


def literal(values):
    """The array literal of ``values``: None, booleans, numbers, dates and
    datetimes (naive, as Odoo stores them) and strings, any of them."""
    values = list(values)
    elements = _elements(values, set(map(type, values)))
    if elements is None:
        elements = ",".join(map(_element, values))
    return "{" + elements + "}"
