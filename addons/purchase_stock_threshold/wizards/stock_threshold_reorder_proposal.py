from odoo import api, fields, models

from odoo.addons.stock_threshold.tools.status import STATUS_SELECTION

from ..models.stock_threshold_reorder import SHORTAGE_STATUSES

REASON_SELECTION = [
    (code, label) for code, label in STATUS_SELECTION if code in SHORTAGE_STATUSES
]


class StockThresholdReorderProposal(models.TransientModel):
    """One line of the reordering proposal screen: what threshold
    reordering would order for a product in a warehouse, how the quantity
    was computed, or why it is not ordered."""

    _name = "stock.threshold.reorder.proposal"
    _description = "Reordering Proposal"
    _order = "skipped_reason desc, days_of_cover, id"

    product_id = fields.Many2one("product.product", required=True, readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", required=True, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    rule_id = fields.Many2one("stock.threshold.rule", readonly=True)
    alert_id = fields.Many2one("stock.threshold.alert", readonly=True)
    vendor_id = fields.Many2one("res.partner", readonly=True)
    source_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Transfer From",
        readonly=True,
        help="Transferred from this warehouse's surplus instead of bought.",
    )
    quantity = fields.Float(readonly=True, digits="Product Unit of Measure")
    uom_id = fields.Many2one("uom.uom", string="Unit", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(readonly=True)
    reason = fields.Selection(REASON_SELECTION, readonly=True)
    days_of_cover = fields.Float(readonly=True, digits=(16, 1))
    date_planned = fields.Datetime(string="Expected Arrival", readonly=True)
    budget_id = fields.Many2one("stock.threshold.budget", readonly=True)
    budget_remaining = fields.Monetary(
        string="Budget Left",
        readonly=True,
        help="What is left of the month's budget once this line is ordered.",
    )
    explanation = fields.Text(readonly=True)
    skipped_reason = fields.Char(string="Not Ordered Because", readonly=True)

    @api.model
    def action_open(self, warehouse_ids=None):
        """Compute the proposals now (a dry run) and open them."""
        Reorder = self.env["stock.threshold.reorder"]
        self.env["stock.threshold.rule"]._check_reorder_access(write=False)
        proposals, skipped = Reorder._get_proposals(warehouse_ids)
        records = self.create(
            [self._prepare_values(entry) for entry in proposals + skipped]
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "purchase_stock_threshold.stock_threshold_reorder_proposal_action"
        )
        action["domain"] = [("id", "in", records.ids)]
        return action

    @api.model
    def _prepare_values(self, entry):
        names = set(self._fields) - {"id", "currency_id"}
        return {
            key: value
            for key, value in entry.items()
            if key in names and value is not None
        }

    def action_order_selected(self):
        """Order the selected proposals, recomputed now so that nothing
        ordered since the screen opened is ordered again."""
        return self._order_selected(dry_run=False)

    def action_dry_run(self):
        """Say what ordering the selected proposals would do."""
        return self._order_selected(dry_run=True)

    def _order_selected(self, dry_run):
        self.env["stock.threshold.rule"]._check_reorder_access(write=True)
        Reorder = self.env["stock.threshold.reorder"]
        wanted = {(p.product_id.id, p.warehouse_id.id) for p in self}
        proposals, skipped = Reorder._get_proposals(
            self.warehouse_id.ids, self.product_id.ids
        )
        summary = Reorder._order_proposals(
            [p for p in proposals if (p["product_id"], p["warehouse_id"]) in wanted],
            [s for s in skipped if (s["product_id"], s["warehouse_id"]) in wanted],
            dry_run=dry_run,
        )
        return self._notify(summary, dry_run)

    def _notify(self, summary, dry_run):
        message = self.env._(
            "%(created)s lines to create, %(updated)s to update, "
            "%(skipped)s not ordered.",
            created=summary["lines_created"],
            updated=summary["lines_updated"],
            skipped=len(summary["skipped"]),
        )
        if not dry_run:
            message = self.env._(
                "%(count)s requests for quotation: %(detail)s",
                count=len(summary["purchase_order_ids"]),
                detail=message,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info" if dry_run else "success",
                "title": self.env._("Dry run") if dry_run else self.env._("Ordered"),
                "message": message,
            },
        }
