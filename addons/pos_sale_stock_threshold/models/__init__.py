from . import pos_order, sale_order
