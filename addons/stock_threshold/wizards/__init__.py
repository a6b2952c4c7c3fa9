from . import stock_threshold_alert_snooze
