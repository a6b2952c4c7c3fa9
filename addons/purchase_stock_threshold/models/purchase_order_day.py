from odoo import fields, models


class PurchaseOrderDay(models.Model):
    """A day of the week on which a vendor takes orders."""

    _name = "purchase.order.day"
    _description = "Vendor Order Day"
    _order = "weekday"

    name = fields.Char(required=True, translate=True)
    weekday = fields.Integer(
        required=True, help="0 for Monday to 6 for Sunday, as Python's weekday()."
    )

    _sql_constraints = [
        ("weekday_uniq", "unique(weekday)", "Each day of the week exists once."),
        ("weekday_range", "CHECK(weekday BETWEEN 0 AND 6)", "0 (Monday) to 6."),
    ]
