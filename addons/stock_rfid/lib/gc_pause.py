"""Pausing Python's cyclic garbage collector while a reader batch is
ingested, with no ORM.

A batch of thousands of reads allocates tens of thousands of containers
(decoded JSON objects, reads, sightings, values of rows): every 2,000 of
them start a collection, and now and then a full one, that walks the whole
heap of an Odoo process (its registry holds millions of objects) for cycles
that the batch does not make; its objects are freed by reference counting
when it ends. ``paused()`` disables the collector for the duration of a
batch: the threads of a threaded server share it, so it is resumed when the
last batch under way ends, and only if it was enabled when the first began.
"""

import gc
import threading
from contextlib import contextmanager

_lock = threading.Lock()
_state = {"depth": 0, "resume": False}


@contextmanager
def paused():
    """Disable the cyclic garbage collector within the block (nestable,
    thread-safe)."""
    with _lock:
        if not _state["depth"]:
            _state["resume"] = gc.isenabled()
            gc.disable()
        _state["depth"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["depth"] -= 1
            if not _state["depth"] and _state["resume"]:
                gc.enable()
