from odoo import fields, models


class StockRfidRead(models.Model):
    """Reads of one tag by one reader within the company's read window,
    aggregated: the gateway creates them in bulk, with few stored fields.
    Like mail.notification, a machine row without the access log (creator,
    writer and their dates): its reader and first and last seen say who and
    when, and each row written costs four columns and two foreign key checks
    less. Its company is its tag's (the gateway registers tags in the
    reader's company) and its reader is its batch's (a read is created by a
    batch; the later reads merged into it are of the same reader): stored,
    each would cost every row a foreign key check and an index entry for a
    value another row holds."""

    _name = "stock.rfid.read"
    _description = "RFID Read"
    _log_access = False
    _order = "last_seen desc, id desc"
    _rec_name = "tag_id"

    tag_id = fields.Many2one(
        "stock.rfid.tag", required=True, ondelete="cascade", index=True
    )
    antenna_id = fields.Many2one("stock.rfid.antenna")
    location_id = fields.Many2one("stock.location", string="Read Point")
    batch_id = fields.Many2one(
        "stock.rfid.read.batch", required=True, index=True, ondelete="restrict"
    )
    reader_id = fields.Many2one(related="batch_id.reader_id")
    first_seen = fields.Datetime(required=True)
    last_seen = fields.Datetime(required=True, index=True)
    rssi_dbm = fields.Float(string="Best RSSI (dBm)")
    read_count = fields.Integer(string="Count", default=1)
    company_id = fields.Many2one(related="tag_id.company_id")
    epc = fields.Char(related="tag_id.epc", string="EPC")
    product_id = fields.Many2one(related="tag_id.product_id")
