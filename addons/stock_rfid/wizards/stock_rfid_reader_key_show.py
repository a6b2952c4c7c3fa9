from odoo import fields, models


class StockRfidReaderKeyShow(models.AbstractModel):
    """Shows a reader's new API key once. Abstract, like Odoo's
    res.users.apikeys.show: the key only travels in the action's context to
    the dialog and is never stored in clear."""

    _name = "stock.rfid.reader.key.show"
    _description = "Show RFID Reader API Key"

    # the field 'id' is necessary for the onchange that returns the key
    id = fields.Id()
    reader_id = fields.Many2one("stock.rfid.reader", readonly=True)
    key = fields.Char(readonly=True)
