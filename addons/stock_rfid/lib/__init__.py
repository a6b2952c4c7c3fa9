# Plain-Python cores of the addon, importable without Odoo.
from . import epc, read_batch
