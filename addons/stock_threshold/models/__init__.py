from . import (
    product_template,
    res_company,
    res_config_settings,
    stock_move,
    stock_position,
    stock_threshold_alert,
    stock_threshold_alert_channel,
    stock_threshold_rule,
    stock_threshold_status,
    stock_threshold_webhook,
    stock_threshold_webhook_delivery,
    stock_warehouse,
)
