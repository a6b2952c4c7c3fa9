from . import product_product, stock_threshold_rule
