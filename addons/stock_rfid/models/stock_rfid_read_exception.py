from odoo import fields, models


class StockRfidReadException(models.Model):
    """A read whose EPC could not be decoded: kept for review, it did not
    fail its batch."""

    _name = "stock.rfid.read.exception"
    _description = "RFID Read Exception"
    _log_access = False  # written in bulk by the gateway, as stock.rfid.read
    _order = "date desc, id desc"
    _rec_name = "epc"

    reader_id = fields.Many2one("stock.rfid.reader", required=True, index=True)
    batch_id = fields.Many2one(
        "stock.rfid.read.batch", required=True, ondelete="cascade", index=True
    )
    index = fields.Integer(help="Position of the read in its batch, from 0.")
    epc = fields.Char(string="EPC")
    error_code = fields.Char(required=True)
    raw_uri = fields.Char(string="Raw URI")
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    active = fields.Boolean(default=True, help="Archive the exceptions reviewed.")
    company_id = fields.Many2one("res.company", required=True, index=True)
