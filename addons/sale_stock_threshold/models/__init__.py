from . import (
    res_company,
    res_config_settings,
    sale_order,
    sale_order_line,
    stock_threshold_alert,
)
