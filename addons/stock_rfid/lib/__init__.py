# Plain-Python cores of the addon, importable without Odoo.
from . import adapters, epc, read_batch, sql_array
