# isort: skip_file
# Mixins first: a model must be defined before the models inheriting from it.
from . import stock_analytics_mixin
from . import stock_analytics_line_mixin
from . import stock_analytics_turnover
from . import stock_analytics_aging
from . import stock_analytics_sales_trends
from . import stock_analytics_abc_xyz
from . import stock_analytics_dead_stock
from . import stock_analytics_forecast
from . import stock_analytics
from . import stock_analytics_aging_line
from . import stock_analytics_turnover_line
from . import stock_analytics_trend_line
from . import stock_analytics_dead_stock_line
from . import stock_analytics_abc_xyz_line
from . import stock_analytics_forecast_line
from . import stock_analytics_schedule
from . import product_product
from . import product_template
from . import stock_move_line
