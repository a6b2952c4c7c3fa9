# Plain-Python cores of the addon, importable without Odoo.
from . import adapters, epc, gc_pause, read_batch, sql_array
