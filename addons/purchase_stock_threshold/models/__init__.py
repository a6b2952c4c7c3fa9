from . import (
    purchase_order,
    purchase_order_day,
    purchase_order_line,
    res_company,
    res_config_settings,
    res_partner,
    stock_position,
    stock_threshold_budget,
    stock_threshold_order_lock,
    stock_threshold_rebalance,
    stock_threshold_reorder,
    stock_threshold_rule,
)
