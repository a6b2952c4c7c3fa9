from . import stock_analytics_wizard
