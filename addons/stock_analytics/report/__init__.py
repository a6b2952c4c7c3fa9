from . import stock_analytics_xlsx
