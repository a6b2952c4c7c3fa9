from odoo import fields, models


class StockRfidAntenna(models.Model):
    _name = "stock.rfid.antenna"
    _description = "RFID Reader Antenna"
    _order = "reader_id, port"

    reader_id = fields.Many2one(
        "stock.rfid.reader", required=True, ondelete="cascade", index=True
    )
    port = fields.Integer(required=True, help="Antenna port number on the reader.")
    name = fields.Char()
    location_id = fields.Many2one(
        "stock.location",
        string="Read Point",
        check_company=True,
        help="Location of the tags read on this antenna.",
    )
    company_id = fields.Many2one(related="reader_id.company_id", store=True)

    _sql_constraints = [
        (
            "reader_port_uniq",
            "UNIQUE(reader_id, port)",
            "An antenna port can only be defined once per reader.",
        ),
    ]

    def _compute_display_name(self):
        for antenna in self:
            name = f"{antenna.reader_id.name} #{antenna.port}"
            antenna.display_name = f"{name} ({antenna.name})" if antenna.name else name
