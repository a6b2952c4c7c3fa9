from odoo import models


class StockAnalytics(models.AbstractModel):
    """Inventory analytics read over RPC.

    Each report is a public ``get_*`` method taking keyword filters and
    returning a list of dicts; they come from one abstract model per report
    (``stock_analytics_<report>.py``) so that each can be extended alone.
    """

    _name = "stock.analytics"
    _inherit = [
        "stock.analytics.turnover",
        "stock.analytics.aging",
        "stock.analytics.sales.trends",
        "stock.analytics.abc.xyz",
        "stock.analytics.dead.stock",
        "stock.analytics.forecast",
    ]
    _description = "Inventory Analytics"
