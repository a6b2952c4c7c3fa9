from odoo import api, fields, models
from odoo.tools import SQL


class StockThresholdOrderLock(models.Model):
    """One row per company x vendor x receipt type that threshold reordering
    orders for: the row a run writes before it looks for the draft RFQ to
    merge into, so that two runs cannot each open an RFQ for the same key.

    A row, not an advisory lock: PostgreSQL's advisory locks make the second
    run wait, but under Odoo's repeatable read it would then search with a
    snapshot taken before the first run committed, miss its RFQ and open
    another. Writing a row the other run wrote since the snapshot fails to
    serialise instead, and Odoo retries the transaction with a fresh one.
    """

    _name = "stock.threshold.order.lock"
    _description = "Threshold Reordering Lock"
    _log_access = False

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(
        "res.partner", string="Vendor", required=True, readonly=True, ondelete="cascade"
    )
    picking_type_id = fields.Many2one(
        "stock.picking.type", required=True, readonly=True, ondelete="cascade"
    )
    date = fields.Datetime(string="Last Reordering", required=True, readonly=True)

    _sql_constraints = [
        (
            "key_uniq",
            "UNIQUE(company_id, partner_id, picking_type_id)",
            "One reordering lock per company, vendor and receipt type.",
        ),
    ]

    @api.model
    def _acquire(self, keys):
        """Lock the ``(vendor_id, picking_type_id)`` keys of the current
        company until the end of the transaction, in one statement and in a
        fixed order (no deadlock between runs that share several keys).

        Waits for a run that holds one of them; raises PostgreSQL's
        serialization failure when such a run committed after this
        transaction's snapshot (its RFQs are invisible here)."""
        if not keys:
            return
        vendor_ids, picking_type_ids = zip(*sorted(set(keys)), strict=True)
        self.env.cr.execute(
            SQL(
                """INSERT INTO stock_threshold_order_lock
                       (company_id, partner_id, picking_type_id, date)
                   SELECT %(company)s, k.partner_id, k.picking_type_id, %(now)s
                     FROM unnest(%(vendors)s::int[], %(types)s::int[])
                          AS k(partner_id, picking_type_id)
                    ORDER BY k.partner_id, k.picking_type_id
                       ON CONFLICT (company_id, partner_id, picking_type_id)
                       DO UPDATE SET date = EXCLUDED.date""",
                company=self.env.company.id,
                now=fields.Datetime.now(),
                vendors=list(vendor_ids),
                types=list(picking_type_ids),
            )
        )
