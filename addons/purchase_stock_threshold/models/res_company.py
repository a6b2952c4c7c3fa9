from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    threshold_rfq_line_limit = fields.Integer(
        string="Lines per Reordering RFQ",
        default=100,
        help="Threshold reordering opens another request for quotation of the "
        "same vendor and warehouse when one holds this many lines; 0 means no "
        "limit.",
    )

    threshold_rebalance = fields.Selection(
        [("none", "Never"), ("transfer", "Transfer before buying")],
        string="Rebalance Between Warehouses",
        default="transfer",
        required=True,
        help="Transfer before buying: a warehouse resupplied from other "
        "warehouses takes their stock above maximum before anything is bought.",
    )
    threshold_rebalance_margin = fields.Float(
        string="Surplus Margin (%)",
        default=0.0,
        help="A source warehouse keeps this share of its maximum on top of it: "
        "only the stock above maximum x (1 + margin) is transferred.",
    )

    _sql_constraints = [
        (
            "threshold_rfq_line_limit_positive",
            "CHECK(threshold_rfq_line_limit >= 0)",
            "The number of lines per reordering RFQ cannot be negative.",
        ),
        (
            "threshold_rebalance_margin_positive",
            "CHECK(threshold_rebalance_margin >= 0)",
            "The surplus margin cannot be negative.",
        ),
    ]
