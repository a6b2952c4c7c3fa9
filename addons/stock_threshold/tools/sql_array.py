"""PostgreSQL array literals of numpy arrays, with no ORM.

psycopg2 sends a list as ``ARRAY[v1, v2, ...]``: PostgreSQL then parses and
coerces one expression per element, which for the twenty columns of a
thousand statuses costs more than writing the rows. ``array_literal(values)``
is one string parameter, ``'{v1,v2,...}'``, that the server reads at once
with the array type's input function: cast it in the query (``%s::int[]``).
"""

import numpy as np


def array_literal(values):
    """The array literal of ``values``: a numpy array of integers, booleans
    or floats (NaN as NULL), or a list of strings that need no quoting
    (codes such as the status selection's)."""
    if isinstance(values, list):
        if any(not value.isidentifier() for value in values):
            raise ValueError("array_literal: strings must be plain words")
        return "{" + ",".join(values) + "}"
    values = np.asarray(values)
    if values.dtype == bool:
        return "{" + ",".join("t" if value else "f" for value in values.tolist()) + "}"
    if values.dtype.kind == "f":
        # repr of a float reads back as the same float8; NaN is the only nan
        text = ",".join(map(repr, values.tolist()))
        return "{" + text.replace("nan", "NULL") + "}"
    if values.dtype.kind in "iu":
        return "{" + ",".join(map(str, values.tolist())) + "}"
    raise ValueError(f"array_literal: unsupported dtype {values.dtype}")
