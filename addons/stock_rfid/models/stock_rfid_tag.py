from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..lib import epc as epc_codec
from ..lib.sql_array import literal

# Context of bulk creations by the gateway: no chatter message nor follower
BULK_CONTEXT = {
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "tracking_disable": True,
}


def gtin_barcodes(gtin14):
    """The barcodes a GTIN-14 may be stored as in Odoo: itself and its
    GTIN-13, GTIN-12 and GTIN-8 forms when its leading digits are zeros."""
    forms = [gtin14]
    for size in (13, 12, 8):
        if set(gtin14[: 14 - size]) == {"0"}:
            forms.append(gtin14[14 - size :])
    return forms


# Newer: the sighting is at least as recent as the tag's last read
_NEWER = "(t.last_seen IS NULL OR t.last_seen <= v.last_seen)"
UPDATE_FROM_SIGHTINGS = f"""
    UPDATE stock_rfid_tag t
       SET first_seen = LEAST(t.first_seen, v.first_seen),
           last_seen = GREATEST(t.last_seen, v.last_seen),
           last_reader_id = CASE WHEN {_NEWER} THEN v.reader_id
                                 ELSE t.last_reader_id END,
           last_antenna_id = CASE WHEN {_NEWER} THEN v.antenna_id
                                  ELSE t.last_antenna_id END,
           location_id = CASE WHEN {_NEWER} THEN COALESCE(v.location_id, t.location_id)
                              ELSE t.location_id END,
           state = CASE WHEN t.state IN ('commissioned', 'missing') THEN 'active'
                        ELSE t.state END,
           write_date = NOW() AT TIME ZONE 'UTC'
      FROM unnest(%s::int[], %s::timestamp[], %s::timestamp[], %s::int[], %s::int[],
                  %s::int[])
           AS v(id, first_seen, last_seen, reader_id, antenna_id, location_id)
     WHERE t.id = v.id
       AND (t.first_seen IS NULL OR t.first_seen > v.first_seen
            OR t.state IN ('commissioned', 'missing')
            OR ({_NEWER}
                AND (t.last_seen, t.last_reader_id, t.last_antenna_id, t.location_id)
                    IS DISTINCT FROM (v.last_seen, v.reader_id, v.antenna_id,
                                      COALESCE(v.location_id, t.location_id))))
"""

# Percentage of each page of the tag register filled by inserts (see init)
TAG_FILLFACTOR = 80

SIGHTING_FIELDS = [
    "first_seen",
    "last_seen",
    "last_reader_id",
    "last_antenna_id",
    "location_id",
    "state",
]


class StockRfidTag(models.Model):
    _name = "stock.rfid.tag"
    _description = "RFID Tag"
    _inherit = ["mail.thread"]
    _order = "last_seen desc, id desc"
    _rec_name = "epc"

    # searched through the index of the epc_company_uniq constraint
    epc = fields.Char(string="EPC", required=True, tracking=True)
    scheme = fields.Char(readonly=True, help="EPC scheme, e.g. sgtin-96.")
    pure_identity_uri = fields.Char(readonly=True)
    tag_uri = fields.Char(string="Tag URI", readonly=True)
    element_string = fields.Char(string="GS1 Element String", readonly=True)
    # no index: the search view looks GTINs up with ilike, which a btree
    # cannot serve, and each tag the gateway registers would pay its entry
    gtin = fields.Char(string="GTIN", readonly=True)
    serial = fields.Char(readonly=True)
    product_id = fields.Many2one("product.product", check_company=True, tracking=True)
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot/Serial Number",
        domain="[('product_id', '=', product_id)]",
        check_company=True,
    )
    package_id = fields.Many2one("stock.quant.package", check_company=True)
    gln_location_id = fields.Many2one(
        "stock.location",
        string="Identified Location",
        check_company=True,
        help="Location that an SGLN tag identifies (its barcode is the GLN).",
    )
    location_id = fields.Many2one(
        "stock.location",
        string="Last Location",
        check_company=True,
        help="Read point of the last read.",
    )
    state = fields.Selection(
        [
            ("commissioned", "Commissioned"),
            ("active", "Active"),
            ("missing", "Missing"),
            ("killed", "Killed"),
        ],
        required=True,
        default="commissioned",
        tracking=True,
    )
    unmatched = fields.Boolean(
        compute="_compute_unmatched",
        store=True,
        help="No product, package nor location matches the tag.",
    )
    first_seen = fields.Datetime(readonly=True)
    last_seen = fields.Datetime(readonly=True)
    last_reader_id = fields.Many2one("stock.rfid.reader", readonly=True)
    last_antenna_id = fields.Many2one("stock.rfid.antenna", readonly=True)
    read_ids = fields.One2many("stock.rfid.read", "tag_id", string="Reads")
    read_count = fields.Integer(compute="_compute_read_count", string="Reads Count")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )

    _sql_constraints = [
        (
            "epc_company_uniq",
            "UNIQUE(epc, company_id)",
            "An EPC can only be registered once per company.",
        ),
    ]

    def init(self):
        """Leave a fifth of each page of the register free (fillfactor 80):
        every batch of reads updates the last sight of its tags, and an
        updated row that fits on its page with no indexed column changed is
        a heap-only tuple, which writes no index entry (the sighting columns
        have none). With full pages, each update wrote a new entry in each
        of the table's indexes. Pages written before keep their fill."""
        res = super().init()
        self.env.cr.execute(
            SQL(
                "ALTER TABLE %s SET (fillfactor = %s)",
                SQL.identifier(self._table),
                TAG_FILLFACTOR,
            )
        )
        return res

    @api.depends("product_id", "package_id", "gln_location_id")
    def _compute_unmatched(self):
        for tag in self:
            tag.unmatched = not (
                tag.product_id or tag.package_id or tag.gln_location_id
            )

    def _compute_read_count(self):
        counts = dict(
            self.env["stock.rfid.read"]._read_group(
                [("tag_id", "in", self.ids)], ["tag_id"], ["__count"]
            )
        )
        for tag in self:
            tag.read_count = counts.get(tag, 0)

    @api.model_create_multi
    def create(self, vals_list):
        """Normalise the EPC and fill the decoded fields of tags created by
        hand (the gateway passes them already decoded)."""
        for vals in vals_list:
            if vals.get("epc") and "scheme" not in vals:
                vals["epc"] = vals["epc"].strip().upper()
                vals.update(self._prepare_decoded_values(self._decode(vals["epc"])))
        return super().create(vals_list)

    @api.model
    def _decode(self, epc_hex):
        """Decode an EPC typed by a user, with a readable error."""
        try:
            return epc_codec.decode(epc_hex)
        except epc_codec.EpcError as error:
            raise ValidationError(
                self.env._(
                    "%(epc)s is not a valid EPC: %(reason)s", epc=epc_hex, reason=error
                )
            ) from error

    @api.model
    def _prepare_decoded_values(self, decoded):
        """Stored values of a decoded EPC (an epc_codec.Epc)."""
        return {
            "scheme": decoded.scheme,
            "pure_identity_uri": decoded.pure_identity_uri,
            "tag_uri": decoded.tag_uri,
            "element_string": decoded.element_string,
            "gtin": decoded.gtin14 or False,
            "serial": decoded.serial if decoded.kind == "sgtin" else False,
        }

    def action_match(self):
        """Match the tags again, e.g. after products, lots, packages or
        location barcodes were created."""
        for company in self.company_id:
            tags = self.filtered(lambda tag, c=company: tag.company_id == c)
            decoded = {tag.epc: epc_codec.decode(tag.epc) for tag in tags}
            matches = self._match(company, decoded)
            for tag in tags:
                tag.write(matches[tag.epc])
        return True

    def action_view_reads(self):
        """Open the reads of this tag."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stock_rfid.stock_rfid_read_action"
        )
        action["domain"] = [("tag_id", "=", self.id)]
        return action

    @api.model
    def _get_label_text(self, text):
        """``text`` for a ZPL field: without the ^ and ~ that start ZPL
        commands."""
        return (text or "").replace("^", " ").replace("~", " ")

    @api.model
    def _get_or_create(self, company, decoded):
        """Ids of the tags of ``company`` for ``decoded`` ({epc hex: Epc}),
        creating the unknown ones, matched, in one INSERT."""
        return self._get_or_create_seen(company, decoded, {})[0]

    @api.model
    def _get_or_create_seen(self, company, decoded, seen):
        """({epc: tag id}, {epc: id of the tags created}) for ``decoded``
        ({epc hex: Epc}): the unknown tags are created, matched, in one
        INSERT, with the values of their sightings when ``seen`` ({epc:
        values of _prepare_seen_values}) has them, so that they need no
        update."""
        ids = self._get_ids(company, decoded)
        missing = {key: value for key, value in decoded.items() if key not in ids}
        if not missing:
            return ids, {}
        matches = self._match(company, missing)
        vals_list = [
            {
                **self._prepare_decoded_values(value),
                **matches[key],
                **seen.get(key, {}),
                "epc": key,
                "company_id": company.id,
            }
            for key, value in missing.items()
        ]
        created = self._insert_tags(vals_list)
        ids.update(created)
        inserted_meanwhile = [key for key in missing if key not in ids]
        if inserted_meanwhile:
            ids.update(self._get_ids(company, inserted_meanwhile))
        return ids, created

    @api.model
    def _get_ids(self, company, epcs):
        """{epc: id} of the tags of ``company`` among ``epcs``, in one query
        (no records are built: the gateway looks up thousands at once). A
        join, for PostgreSQL to probe the unique index per EPC of the
        array, whose size it does not know."""
        self.flush_model(["epc", "company_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT t.epc, t.id
                  FROM unnest(%s::varchar[]) AS e(epc)
                  JOIN stock_rfid_tag t ON t.epc = e.epc AND t.company_id = %s
                """,
                literal(epcs),
                company.id,
            )
        )
        return dict(rows)

    @api.model
    def _insert_tags(self, vals_list):
        """{epc: id} of new tags inserted in one INSERT from arrays: the
        gateway registers thousands of tags at once, where an ORM create
        costs most of a batch. The values hold every stored field but
        ``unmatched`` (computed here) and, for tags not seen yet, ``state``
        (commissioned); they have the same keys. No chatter is written. An EPC
        that a concurrent request registered first is skipped, not a unique
        violation: under Odoo's repeatable read, PostgreSQL then raises a
        serialization failure, which Odoo retries with the tag visible."""
        rows = [
            {
                "state": "commissioned",
                **vals,
                "unmatched": not (
                    vals["product_id"] or vals["package_id"] or vals["gln_location_id"]
                ),
            }
            for vals in vals_list
        ]
        columns = list(rows[0])
        arrays = SQL(", ").join(
            SQL(
                "%s::%s[]",
                self._get_sql_array(rows, name),
                SQL(self._fields[name].column_type[1]),
            )
            for name in columns
        )
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO stock_rfid_tag (%s, create_uid, write_uid,
                                            create_date, write_date)
                SELECT v.*, %s, %s, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
                  FROM unnest(%s) AS v
                    ON CONFLICT (epc, company_id) DO NOTHING
             RETURNING epc, id
                """,
                SQL(", ").join(SQL.identifier(name) for name in columns),
                self.env.uid,
                self.env.uid,
                arrays,
            )
        )
        return dict(rows)

    @api.model
    def _get_sql_array(self, rows, name):
        """Array literal of the values of field ``name`` in ``rows``, False
        as NULL but for a boolean."""
        if self._fields[name].type == "boolean":
            return literal(bool(row[name]) for row in rows)
        return literal(None if row[name] is False else row[name] for row in rows)

    @api.model
    def _match(self, company, decoded):
        """{epc: {product_id, lot_id, package_id, gln_location_id}} for
        ``decoded`` ({epc: Epc}), with one search per kind of record."""
        by_kind = {}
        for key, value in decoded.items():
            by_kind.setdefault(value.kind, {})[key] = value
        products, lots = self._match_sgtin(company, by_kind.get("sgtin", {}))
        packages = self._match_keys(
            "stock.quant.package", "name", company, by_kind.get("sscc", {})
        )
        locations = self._match_keys(
            "stock.location", "barcode", company, by_kind.get("sgln", {})
        )
        return {
            key: {
                "product_id": products.get(key, False),
                "lot_id": lots.get(key, False),
                "package_id": packages.get(key, False),
                "gln_location_id": locations.get(key, False),
            }
            for key in decoded
        }

    @api.model
    def _match_keys(self, model, field, company, decoded):
        """{epc: record id} of ``model`` whose ``field`` is the GS1 key."""
        if not decoded:
            return {}
        keys = {value.gs1_key for value in decoded.values()}
        records = self.env[model].search_fetch(
            [(field, "in", list(keys)), ("company_id", "in", [False, company.id])],
            [field],
        )
        ids = {record[field]: record.id for record in records}
        return {key: ids.get(value.gs1_key, False) for key, value in decoded.items()}

    @api.model
    def _match_sgtin(self, company, decoded):
        """({epc: product id}, {epc: lot id}): products by barcode, any GTIN
        form; lots or serials by name == SGTIN serial for that product."""
        if not decoded:
            return {}, {}
        gtins = {key: value.gtin14 for key, value in decoded.items()}
        forms = {
            form: gtin for gtin in set(gtins.values()) for form in gtin_barcodes(gtin)
        }
        products = self.env["product.product"].search_fetch(
            [("barcode", "in", list(forms)), ("company_id", "in", [False, company.id])],
            ["barcode"],
        )
        by_gtin = {forms[product.barcode]: product.id for product in products}
        product_of = {key: by_gtin.get(gtin, False) for key, gtin in gtins.items()}
        if not products:
            return product_of, dict.fromkeys(decoded, False)
        lots = self.env["stock.lot"].search_fetch(
            [
                ("product_id", "in", products.ids),
                ("name", "in", list({value.serial for value in decoded.values()})),
                ("company_id", "in", [False, company.id]),
            ],
            ["product_id", "name"],
        )
        lot_ids = {(lot.product_id.id, lot.name): lot.id for lot in lots}
        lot_of = {
            key: lot_ids.get((product_of[key], value.serial), False)
            for key, value in decoded.items()
        }
        return product_of, lot_of

    @api.model
    def _prepare_seen_values(self, reader, sightings, tag_keys, points):
        """{key: values} of the tags of ``sightings`` (read_batch.Sighting),
        ``tag_keys`` giving each sighting's tag key (EPC or id): first seen
        (of the earliest sighting), last seen, last reader, antenna and
        location (of the latest sighting), active. ``points`` as the read
        batch's _read_points gives them."""
        latest, first_seen = {}, {}
        for sighting in sightings:
            key = tag_keys[sighting.epc]
            if key not in latest or sighting.last_seen > latest[key].last_seen:
                latest[key] = sighting
            if key not in first_seen or sighting.first_seen < first_seen[key]:
                first_seen[key] = sighting.first_seen
        values = {}
        for key, sighting in latest.items():
            antenna_id, location_id = points.get(sighting.antenna, points[None])
            values[key] = {
                "first_seen": first_seen[key],
                "last_seen": sighting.last_seen,
                "last_reader_id": reader.id,
                "last_antenna_id": antenna_id,
                "location_id": location_id,
                "state": "active",
            }
        return values

    @api.model
    def _update_from_sightings(self, seen):
        """Follow the reads on the tags ``seen`` ({tag id: values of
        _prepare_seen_values}), in one UPDATE: first seen, and last seen,
        reader, antenna and location unless the tag was read later
        meanwhile; a commissioned or missing tag becomes active. A tag that
        would keep its values (e.g. reads sent again, or sent late after a
        later read) is left alone: no new row version, no write date."""
        if not seen:
            return
        self.flush_model()
        rows = list(seen.items())
        self.env.cr.execute(
            SQL(
                UPDATE_FROM_SIGHTINGS,
                literal(tag_id for tag_id, _values in rows),
                *(
                    literal(values[name] for _tag_id, values in rows)
                    for name in (
                        "first_seen",
                        "last_seen",
                        "last_reader_id",
                        "last_antenna_id",
                        "location_id",
                    )
                ),
            )
        )
        self.invalidate_model(SIGHTING_FIELDS)
