from . import (
    test_alert_access,
    test_rpc,
    test_security,
    test_stock_position,
    test_stock_threshold_alert,
    test_stock_threshold_alert_channels,
    test_stock_threshold_channel_security,
    test_stock_threshold_rule,
    test_stock_threshold_status,
    test_stock_threshold_webhook,
    test_tour,
    test_webhook_lock,
)
