from . import (
    test_alert_notification,
    test_confirmation,
    test_confirmation_rpc,
    test_sale_order_line,
    test_security,
    test_tour,
)
