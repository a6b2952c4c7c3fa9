from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare


class StockRfidCount(models.Model):
    """An RFID count of a location: the reads of its read points during the
    session are compared with the stock expected there, then, after review,
    applied as an inventory adjustment (stock.quant inventory mode)."""

    _name = "stock.rfid.count"
    _description = "RFID Count Session"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(
        required=True, copy=False, readonly=True, default=lambda s: s.env._("New")
    )
    reader_id = fields.Many2one(
        "stock.rfid.reader",
        check_company=True,
        help="Only count the reads of this reader; its read point is the "
        "default location.",
    )
    location_id = fields.Many2one(
        "stock.location",
        compute="_compute_location_id",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
        check_company=True,
        domain="[('usage', '=', 'internal')]",
        help="Location counted, with its sublocations.",
    )
    full_count = fields.Boolean(
        default=True,
        help="Every tag of the location was in reach of the readers: the tags "
        "of the location that were not read become missing.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("in_progress", "Counting"),
            ("review", "To Review"),
            ("done", "Applied"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    date_start = fields.Datetime(
        string="Start", help="Reads last seen from this moment on are counted."
    )
    date_end = fields.Datetime(
        string="End", help="Reads first seen up to this moment are counted."
    )
    line_ids = fields.One2many("stock.rfid.count.line", "count_id", string="Lines")
    matched_count = fields.Integer(compute="_compute_status_counts")
    missing_count = fields.Integer(compute="_compute_status_counts")
    unexpected_count = fields.Integer(compute="_compute_status_counts")
    unknown_count = fields.Integer(compute="_compute_status_counts")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )

    @api.depends("reader_id")
    def _compute_location_id(self):
        for count in self:
            if count.reader_id.location_id and not count.location_id:
                count.location_id = count.reader_id.location_id

    @api.depends("line_ids.status")
    def _compute_status_counts(self):
        counts = {
            (count, status): number
            for count, status, number in self.env["stock.rfid.count.line"]._read_group(
                [("count_id", "in", self.ids)], ["count_id", "status"], ["__count"]
            )
        }
        for count in self:
            for status in ("matched", "missing", "unexpected", "unknown"):
                count[f"{status}_count"] = counts.get((count, status), 0)

    @api.model_create_multi
    def create(self, vals_list):
        """Number the sessions."""
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("stock.rfid.count")
        return super().create(vals_list)

    def action_start(self):
        """Start counting: reads from now on (or from the start set by hand)
        are collected."""
        self._check_state("draft")
        for count in self:
            count.write(
                {
                    "state": "in_progress",
                    "date_start": count.date_start or fields.Datetime.now(),
                }
            )
        return True

    def action_stop(self):
        """Stop counting: compare the reads with the expected stock and, for
        a full count, mark the tags of the location that were not read as
        missing. The result is then reviewed before it is applied."""
        self._check_state("in_progress")
        for count in self:
            count.date_end = count.date_end or fields.Datetime.now()
        self.action_compare()
        self.filtered("full_count")._mark_missing_tags()
        self.state = "review"
        return True

    def action_compare(self):
        """(Re)build the lines from the reads collected so far."""
        for count in self:
            count.line_ids = [Command.clear()] + [
                Command.create(vals) for vals in count._prepare_line_values()
            ]
        return True

    def action_apply(self):
        """Apply the reviewed differences as an inventory adjustment."""
        self._check_state("review")
        for count in self:
            quants = count._prepare_inventory_quants()
            if quants:
                quants.with_context(inventory_name=count.name).action_apply_inventory()
        self.state = "done"
        return True

    def action_cancel(self):
        """Cancel a session that was not applied."""
        if "done" in self.mapped("state"):
            raise UserError(self.env._("An applied count cannot be cancelled."))
        self.state = "cancel"
        return True

    def action_view_tags(self):
        """Open the tags read by this session."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stock_rfid.stock_rfid_tag_action"
        )
        action["domain"] = [("id", "in", self.line_ids.tag_ids.ids)]
        return action

    def _check_state(self, state):
        if any(count.state != state for count in self):
            raise UserError(
                self.env._("This action is only possible on %s counts.", state)
            )

    def _get_read_domain(self):
        """Reads counted by this session: at a read point of the location,
        during the session, by its reader if it has one."""
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("location_id", "child_of", self.location_id.id),
            ("last_seen", ">=", self.date_start),
        ]
        if self.date_end:
            domain.append(("first_seen", "<=", self.date_end))
        if self.reader_id:
            domain.append(("reader_id", "=", self.reader_id.id))
        return domain

    def _get_seen_tags(self):
        """The live tags read during the session (one query)."""
        groups = self.env["stock.rfid.read"]._read_group(
            self._get_read_domain(), ["tag_id"]
        )
        tags = self.env["stock.rfid.tag"].union(*(tag for (tag,) in groups))
        return tags.filtered(lambda tag: tag.state != "killed")

    def _get_expected_stock(self):
        """{(product, lot): (quantity, location)} on hand in the location,
        with the location holding most of it."""
        groups = self.env["stock.quant"]._read_group(
            [
                ("location_id", "child_of", self.location_id.id),
                ("company_id", "=", self.company_id.id),
                ("product_id.is_storable", "=", True),
                ("quantity", ">", 0),
            ],
            ["product_id", "lot_id", "location_id"],
            ["quantity:sum"],
        )
        expected = {}
        for product, lot, location, quantity in groups:
            total, where, most = expected.get((product, lot), (0.0, location, 0.0))
            if quantity > most:
                where, most = location, quantity
            expected[(product, lot)] = (total + quantity, where, most)
        return {key: value[:2] for key, value in expected.items()}

    def _prepare_line_values(self):
        """Values of the lines: one per product and lot, expected or seen,
        and one per unknown tag (no product, package nor location)."""
        self.ensure_one()
        tags = self._get_seen_tags()
        expected = self._get_expected_stock()
        seen = {}
        for tag in tags.filtered("product_id"):
            seen.setdefault((tag.product_id, tag.lot_id), []).append(tag)
        vals_list = []
        for product, lot in sorted(
            set(expected) | set(seen), key=lambda key: (key[0].id, key[1].id)
        ):
            quantity, location = expected.get((product, lot), (0.0, None))
            key_tags = seen.get((product, lot), [])
            vals_list.append(
                {
                    "product_id": product.id,
                    "lot_id": lot.id,
                    "location_id": (location or key_tags[0].location_id).id
                    or self.location_id.id,
                    "expected_qty": quantity,
                    "counted_qty": len(key_tags),
                    "tag_ids": [Command.set([tag.id for tag in key_tags])],
                }
            )
        vals_list += [
            {"location_id": self.location_id.id, "tag_ids": [Command.set(tag.ids)]}
            for tag in tags.filtered("unmatched")
        ]
        return vals_list

    def _mark_missing_tags(self):
        """Tags last seen in the location that this full count did not read
        are missing. Every tag read counts as seen, including the package and
        location tags that make no line."""
        for count in self:
            seen = count._get_seen_tags()
            missing = self.env["stock.rfid.tag"].search(
                [
                    ("company_id", "=", count.company_id.id),
                    ("location_id", "child_of", count.location_id.id),
                    ("state", "in", ("active", "commissioned")),
                    ("id", "not in", seen.ids),
                ]
            )
            missing.state = "missing"

    def _prepare_inventory_quants(self):
        """Quants in inventory mode with their counted quantity set, for
        the lines to apply."""
        self.ensure_one()
        Quant = self.env["stock.quant"].with_context(inventory_mode=True)
        quants = Quant.browse()
        for line in self.line_ids.filtered("to_apply"):
            for quant, quantity in line._get_inventory_quantities().items():
                if not quant:
                    quant = Quant.create(line._prepare_quant_values(quantity))
                quant.inventory_quantity = quantity
                quants |= quant
        return quants.filtered(
            lambda quant: float_compare(
                quant.inventory_quantity,
                quant.quantity,
                precision_rounding=quant.product_uom_id.rounding,
            )
        )
