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
        """Reads of the session, wherever they were: during the session, by
        its reader if it has one."""
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("last_seen", ">=", self.date_start),
        ]
        if self.date_end:
            domain.append(("first_seen", "<=", self.date_end))
        if self.reader_id:
            domain.append(("reader_id", "=", self.reader_id.id))
        return domain

    def _get_session_reads(self):
        """Reads of the session that may be in the location, oldest first:
        those at its read points, and all those of the readers that read one
        of its location tags (a handheld carried there has no read point in
        the location)."""
        self.ensure_one()
        Read = self.env["stock.rfid.read"]
        domain = self._get_read_domain()
        location_tag_domain = [
            ("tag_id.gln_location_id", "child_of", self.location_id.id)
        ]
        readers = [
            reader.id
            for (reader,) in Read._read_group(
                domain + location_tag_domain, ["reader_id"]
            )
        ]
        in_reach = [
            "|",
            ("location_id", "child_of", self.location_id.id),
            ("reader_id", "in", readers),
        ]
        return Read.search_fetch(
            domain + in_reach,
            ["tag_id", "reader_id", "antenna_id", "location_id"],
            order="first_seen, id",
        )

    def _get_seen_places(self):
        """{tag: location} of the live tags read in the location during the
        session, at the place of their last read. A location tag (SGLN) read
        on an antenna puts that antenna at the location it identifies, when
        that location is inside its read point or it has none (a handheld),
        for the reads that follow until it reads another location tag; the
        other reads are at their read point."""
        places, positions = {}, {}
        for read in self._get_session_reads():
            tag, antenna = read.tag_id, (read.reader_id, read.antenna_id)
            if tag.gln_location_id and self._is_inside(
                tag.gln_location_id, read.location_id
            ):
                positions[antenna] = tag.gln_location_id
            places[tag] = positions.get(antenna) or read.location_id
        return {
            tag: place
            for tag, place in places.items()
            if tag.state != "killed" and self._is_inside(place)
        }

    def _is_inside(self, location, parent=None):
        """Whether ``location`` is ``parent`` (by default the counted
        location; none: anywhere) or one of its sublocations."""
        self.ensure_one()
        parent = self.location_id if parent is None else parent
        return bool(location) and location.parent_path.startswith(
            parent.parent_path or ""
        )

    def _get_seen_tags(self):
        """The live tags read in the location during the session."""
        return self.env["stock.rfid.tag"].union(*self._get_seen_places())

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

    def _get_package_content(self, places):
        """{(product, lot): (quantity, package tags, place)}: the content,
        as Odoo records it, of the packages whose tag (SSCC) was read, at
        the place of the package's read: a sealed case or pallet is counted
        by its own tag, its items' tags are often out of reach."""
        self.ensure_one()
        read_packages = {
            tag.package_id: (tag, place)
            for tag, place in places.items()
            if tag.package_id
        }
        if not read_packages:
            return {}
        groups = self.env["stock.quant"]._read_group(
            [
                ("package_id", "in", [package.id for package in read_packages]),
                ("company_id", "=", self.company_id.id),
                ("product_id.is_storable", "=", True),
                ("quantity", ">", 0),
            ],
            ["product_id", "lot_id", "package_id"],
            ["quantity:sum"],
        )
        content = {}
        for product, lot, package, quantity in groups:
            tag, place = read_packages[package]
            total, tags, where = content.get((product, lot), (0.0, tag.browse(), place))
            content[(product, lot)] = (total + quantity, tags | tag, where)
        return content

    def _prepare_line_values(self):
        """Values of the lines: one per product and lot, expected or seen
        (its item tags, or the content of the packages read), and one per
        unknown tag (no product, package nor location)."""
        self.ensure_one()
        places = self._get_seen_places()
        expected = self._get_expected_stock()
        packed = self._get_package_content(places)
        items = {}
        for tag in places:
            if tag.product_id:
                items.setdefault((tag.product_id, tag.lot_id), []).append(tag)
        vals_list = [
            self._prepare_product_line_values(
                key,
                expected.get(key, (0.0, None)),
                [(tag, places[tag]) for tag in items.get(key, [])],
                packed.get(key),
            )
            for key in sorted(
                set(expected) | set(items) | set(packed),
                key=lambda key: (key[0].id, key[1].id),
            )
        ]
        vals_list += [
            {"location_id": self.location_id.id, "tag_ids": [Command.set(tag.ids)]}
            for tag in places
            if tag.unmatched
        ]
        return vals_list

    def _prepare_product_line_values(self, key, expected, items, packed):
        """Values of the line of ``key`` (product, lot): ``expected`` is
        (quantity, location), ``items`` the [(tag, place)] of its item tags
        read, ``packed`` None or (quantity, package tags, place) of its
        content in the packages read. Items read may be those of a package
        read: the larger of both counts. A package recorded elsewhere is not
        adjusted by default: it is moved by a transfer, not found twice."""
        product, lot = key
        quantity, location = expected
        packed_qty, package_tags, package_place = packed or (0.0, None, None)
        tags = self.env["stock.rfid.tag"].union(*(tag for tag, _place in items))
        place = location or (items[0][1] if items else package_place)
        vals = {
            "product_id": product.id,
            "lot_id": lot.id,
            "location_id": (place or self.location_id).id,
            "expected_qty": quantity,
            "counted_qty": max(len(items), packed_qty),
            "tag_ids": [Command.set((tags | (package_tags or tags)).ids)],
        }
        if package_tags and not all(
            self._is_inside(package.location_id) for package in package_tags.package_id
        ):
            vals["to_apply"] = False
        return vals

    def _mark_missing_tags(self):
        """Tags last seen in the location that this full count did not read
        are missing. Every tag read counts as seen, including the package and
        location tags that make no line, and so do the tags of the lots and
        serials in the packages read."""
        for count in self:
            seen = count._get_seen_tags()
            packed_lots = (
                self.env["stock.quant"]
                .search(
                    [("package_id", "in", seen.package_id.ids), ("lot_id", "!=", False)]
                )
                .lot_id
            )
            missing = self.env["stock.rfid.tag"].search(
                [
                    ("company_id", "=", count.company_id.id),
                    ("location_id", "child_of", count.location_id.id),
                    ("state", "in", ("active", "commissioned")),
                    ("id", "not in", seen.ids),
                    "|",
                    ("lot_id", "=", False),
                    ("lot_id", "not in", packed_lots.ids),
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
