from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL, float_compare, float_round

from odoo.addons.stock_threshold.models.stock_threshold_alert import OPEN_STATES

SHORTAGE_STATUSES = ("out_of_stock", "below_safety", "below_min")
# Keys of a proposal returned over RPC (the others are internal).
PUBLIC_KEYS = (
    "product_id",
    "warehouse_id",
    "vendor_id",
    "source_warehouse_id",
    "quantity",
    "uom_id",
    "reason",
    "amount",
    "rule_id",
    "alert_id",
    "date_planned",
    "explanation",
)


class StockThresholdReorder(models.AbstractModel):
    """Reordering engine: from the threshold positions to draft RFQs.

    ``_get_proposals`` turns the governed positions below their trigger level
    into proposals (one dict per product x warehouse: quantity in the
    vendor's purchase unit, vendor, date, amount, explanation) or skipped
    entries with a reason; ``_order_proposals`` groups them per vendor x
    receipt type into draft RFQs, merging into existing ones. Every step is a ``_get_*``
    or ``_prepare_*`` hook; the public entry points are on
    ``stock.threshold.rule``.
    """

    _name = "stock.threshold.reorder"
    _description = "Stock Threshold Reordering"

    # ------------------------------------------------------------------
    # Proposals
    # ------------------------------------------------------------------
    @api.model
    def _get_proposals(self, warehouse_ids=None, product_ids=None):
        """Return ``(proposals, skipped)`` for the warehouses (default: all
        of the allowed companies), company by company."""
        proposals, skipped = [], []
        warehouses = self._get_warehouses(warehouse_ids)
        for company, company_warehouses in warehouses.grouped("company_id").items():
            engine = self.with_company(company).with_context(
                allowed_company_ids=company.ids
            )
            found, missed = engine._get_company_proposals(
                company_warehouses, product_ids
            )
            proposals += found
            skipped += missed
        return proposals, skipped

    def _get_warehouses(self, warehouse_ids):
        domain = [("company_id", "in", self.env.companies.ids)]
        if warehouse_ids:
            domain.append(("id", "in", list(warehouse_ids)))
        return self.env["stock.warehouse"].search(domain)

    def _get_company_proposals(self, warehouses, product_ids):
        """Proposals of one company's warehouses (the environment's)."""
        needs = self._read_needs(warehouses, product_ids)
        if not needs:
            return [], []
        products = self._prefetch_products([row["product_id"] for row in needs])
        alerts = self._get_open_alerts(needs)
        transfers = self._prepare_transfers(needs, products, alerts)
        proposals, skipped = [], []
        for row in needs:
            product = products[row["product_id"]]
            if self._get_need(row, product) <= 0:
                continue
            alert = alerts.get((row["product_id"], row["scope_id"]))
            proposal = self._prepare_proposal(row, product, alert)
            (skipped if proposal.get("skipped_reason") else proposals).append(proposal)
        proposals, cut = self._apply_budgets(proposals, products)
        return transfers + proposals, skipped + cut

    def _prepare_transfers(self, needs, products, alerts):
        """Transfer proposals that cover needs from other warehouses before
        buying (see ``stock.threshold.rebalance``)."""
        return self.env["stock.threshold.rebalance"]._prepare_transfers(
            needs, products, alerts
        )

    def _read_needs(self, warehouses, product_ids):
        """Live positions of the products governed at warehouse level, with
        their draft RFQ quantities, that are below their rule's trigger: the
        positions query of ``stock_threshold`` for all of them at once."""
        Position = self.env["stock.position"]
        by_scope = {wh.view_location_id.id: wh for wh in warehouses}
        rows = Position._read_positions(
            list(by_scope),
            list(product_ids) if product_ids else None,
            pairs="governed",
        )
        for row in rows:
            row["product_id"], row["scope_id"] = row["key"]
        rules = self.env["stock.threshold.rule"].browse({r["rule_id"] for r in rows})
        # Iterated records share one prefetch set: the rules are read once.
        reordering = {r.id: r for r in rules if r.reorder_policy != "none"}
        rows = [row for row in rows if row["rule_id"] in reordering]
        drafts = Position._get_draft_quantities(
            [(row["product_id"], row["scope_id"]) for row in rows]
        )
        needs = []
        for row in rows:
            row["draft_ordered"] = drafts.get((row["product_id"], row["scope_id"]), 0)
            row["warehouse"] = by_scope[row["scope_id"]]
            row["rule"] = reordering[row["rule_id"]]
            if row["rule"]._needs_reorder(row):
                needs.append(row)
        return needs

    def _prefetch_products(self, product_ids):
        """``{id: product}`` sharing one prefetch set, with what the
        per-product choices and Odoo's line preparation read (vendors and
        their order days, packagings, taxes, variant values) loaded in a few
        queries."""
        products = self.env["product.product"].browse(product_ids)
        products.seller_ids.partner_id.commercial_partner_id.mapped(
            "purchase_order_day_ids"
        )
        products.packaging_ids.mapped("qty")
        products.mapped("uom_po_id.rounding")
        products.mapped("supplier_taxes_id.company_id")
        products.mapped("product_template_attribute_value_ids")
        return {product.id: product for product in products}

    def _get_open_alerts(self, needs):
        """``{(product_id, scope_id): alert}``: the unresolved shortage alert
        of each need, in one search."""
        alerts = self.env["stock.threshold.alert"].search(
            [
                ("product_id", "in", [row["product_id"] for row in needs]),
                ("location_id", "in", list({row["scope_id"] for row in needs})),
                ("family", "=", "shortage"),
                ("state", "in", OPEN_STATES),
            ]
        )
        return {(a.product_id.id, a.location_id.id): a for a in alerts}

    def _prepare_proposal(self, row, product, alert):
        """The proposal of one need, or a skipped entry with its reason."""
        proposal = self._prepare_proposal_base(row, alert)
        skipped_reason = self._get_skipped_reason(row, alert)
        if skipped_reason:
            return {**proposal, "skipped_reason": skipped_reason}
        need = self._get_need(row, product)
        seller = self._select_vendor(product, need)
        if not seller:
            return {
                **proposal,
                "skipped_reason": self.env._(
                    "No vendor: add a vendor to %(product)s.",
                    product=product.display_name,
                ),
            }
        quantity, uom, steps = self._get_purchase_quantity(product, seller, need)
        proposal.update(
            vendor_id=seller.partner_id.id,
            supplierinfo_id=seller.id,
            quantity=quantity,
            uom_id=uom.id,
            amount=self._get_amount(seller, quantity),
            date_planned=self._get_date_planned(product, seller, row["warehouse"]),
            explanation=self._get_explanation(row, product, need, steps),
            skipped_reason=self._get_vendor_skipped_reason(seller),
        )
        return proposal

    def _prepare_proposal_base(self, row, alert):
        """What every proposal or skipped entry says, whatever happens."""
        status = row["status"] if row["status"] in SHORTAGE_STATUSES else "below_min"
        return {
            "product_id": row["product_id"],
            "warehouse_id": row["warehouse"].id,
            "company_id": row["warehouse"].company_id.id,
            "scope_id": row["scope_id"],
            "rule_id": row["rule_id"],
            "alert_id": alert.id if alert else False,
            "vendor_id": False,
            "source_warehouse_id": False,
            "quantity": 0.0,
            "uom_id": False,
            "amount": 0.0,
            "reason": status,
            "days_of_cover": row["days_of_cover"],
            "date_planned": False,
            "explanation": "",
            "skipped_reason": "",
            "budget_id": False,
            "budget_remaining": 0.0,
        }

    def _get_skipped_reason(self, row, alert):
        """Why a need is not ordered before any vendor is looked for (hook):
        a snoozed alert silences its reordering too."""
        if alert and alert.state == "snoozed":
            return self.env._(
                "Snoozed: the stock alert is snoozed until %(date)s.",
                date=alert.snoozed_until,
            )
        return ""

    def _get_vendor_skipped_reason(self, seller):
        """Why the chosen vendor is not ordered from today (hook): it takes
        orders on other days."""
        vendor = seller.partner_id
        if vendor._is_order_day(fields.Date.context_today(self)):
            return ""
        return self.env._(
            "Not an order day of %(vendor)s (%(days)s).",
            vendor=vendor.display_name,
            days=", ".join(
                vendor.commercial_partner_id.purchase_order_day_ids.mapped("name")
            ),
        )

    def _apply_budgets(self, proposals, products):
        """Return ``(kept, cut)``: proposals within their monthly budgets
        and those cut (see ``stock.threshold.budget``)."""
        return self.env["stock.threshold.budget"]._apply_to_proposals(
            proposals, products
        )

    def _get_need(self, row, product):
        """Quantity missing up to the rule's target in the product's unit:
        the forecast already counts what is on order and in transit, the
        draft RFQs and this run's transfers are added; rounded up to the
        unit."""
        _trigger, target = row["rule"]._get_reorder_levels(row)
        available = row["forecast"] + row["draft_ordered"] + row.get("transferred", 0)
        return float_round(
            target - available,
            precision_rounding=product.uom_id.rounding,
            rounding_method="UP",
        )

    def _select_vendor(self, product, quantity):
        """Odoo's vendor choice for the quantity; when no vendor's minimum is
        reached, the preferred vendor all the same (its minimum then raises
        the quantity), as Odoo's buy rule falls back."""
        today = fields.Date.context_today(self)
        product = product.with_company(self.env.company)
        seller = product._select_seller(
            quantity=quantity, date=today, uom_id=product.uom_id
        )
        return seller or product._select_seller(
            quantity=None, date=today, uom_id=product.uom_id
        )

    def _get_purchase_quantity(self, product, seller, need):
        """Return ``(quantity, uom, steps)``: the need in the vendor's
        purchase unit rounded up to that unit, raised to the vendor's minimum
        and rounded up to whole purchase packagings; ``steps`` explains."""
        uom = seller.product_uom or product.uom_po_id
        quantity = product.uom_id._compute_quantity(need, uom, rounding_method="UP")
        steps = []
        if uom != product.uom_id:
            steps.append(self.env._("%(qty)s %(uom)s", qty=quantity, uom=uom.name))
        if float_compare(quantity, seller.min_qty, precision_rounding=uom.rounding) < 0:
            quantity = seller.min_qty
            steps.append(self.env._("vendor minimum %(qty)s", qty=quantity))
        packaging = self._get_packaging(product)
        if packaging:
            packed = packaging._check_qty(quantity, uom, "UP")
            if packed != quantity:
                quantity = packed
                steps.append(
                    self.env._(
                        "whole %(packaging)s: %(qty)s",
                        packaging=packaging.name,
                        qty=quantity,
                    )
                )
        return float_round(quantity, precision_rounding=uom.rounding), uom, steps

    def _get_packaging(self, product):
        """The purchase packaging whose multiples are ordered: the smallest,
        so that every larger nested packaging is a multiple too."""
        packagings = product.packaging_ids.filtered(
            lambda p: p.purchase and p.qty > 0 and p.company_id <= self.env.company
        )
        return packagings.sorted("qty")[:1]

    def _get_amount(self, seller, quantity):
        """Amount of the proposal in the company's currency, at the vendor's
        discounted price."""
        amount = seller.price_discounted * quantity
        company = self.env.company
        if seller.currency_id and seller.currency_id != company.currency_id:
            amount = seller.currency_id._convert(
                amount, company.currency_id, company, fields.Date.context_today(self)
            )
        return company.currency_id.round(amount)

    def _get_date_planned(self, product, seller, warehouse):
        """Expected arrival if ordered today: Odoo's lead days of the
        warehouse's buy rule (vendor lead time, purchase security lead time,
        days to purchase); without a buy rule, the same sum."""
        rule = warehouse.buy_pull_id
        if rule:
            delays, _description = rule.with_context(
                bypass_delay_description=True
            )._get_lead_days(product, supplierinfo=seller)
            days = delays["total_delay"]
        else:
            company = self.env.company
            days = seller.delay + company.po_lead + company.days_to_purchase
        return fields.Datetime.now() + relativedelta(days=days)

    def _get_explanation(self, row, product, need, steps):
        """How the quantity was computed, in words."""
        trigger, target = row["rule"]._get_reorder_levels(row)
        text = self.env._(
            "Forecast %(forecast)s (on hand %(on_hand)s, on order %(on_order)s, "
            "in transit %(in_transit)s, outgoing %(outgoing)s) + draft RFQs "
            "%(draft)s is below %(trigger)s; target %(target)s: %(need)s %(uom)s "
            "to buy",
            forecast=row["forecast"],
            on_hand=row["on_hand"],
            on_order=row["on_order"],
            in_transit=row["in_transit"],
            outgoing=row["outgoing"],
            draft=row["draft_ordered"],
            trigger=trigger,
            target=target,
            need=need,
            uom=product.uom_id.name,
        )
        if row.get("transferred"):
            steps.insert(
                0,
                self.env._(
                    "%(qty)s of it transferred from other warehouses",
                    qty=row["transferred"],
                ),
            )
        return "; ".join([text, *steps]) + "."

    # ------------------------------------------------------------------
    # Orders
    # ------------------------------------------------------------------
    @api.model
    def _run(self, warehouse_ids=None, product_ids=None, dry_run=False):
        """Compute the proposals and order them; see ``_order_proposals``."""
        proposals, skipped = self._get_proposals(warehouse_ids, product_ids)
        return self._order_proposals(proposals, skipped, dry_run=dry_run)

    @api.model
    def _order_proposals(self, proposals, skipped, dry_run=False):
        """Create or update the draft RFQs of the proposals, company by
        company, and return the summary (with ``dry_run``, what would be
        done, nothing written)."""
        summary = self._prepare_summary(skipped)
        by_company = defaultdict(list)
        for proposal in proposals:
            by_company[proposal["company_id"]].append(proposal)
        # Companies in a fixed order: runs lock their rows in the same order.
        for company_id, company_proposals in sorted(by_company.items()):
            company = self.env["res.company"].browse(company_id)
            engine = self.with_company(company).with_context(
                allowed_company_ids=company.ids
            )
            purchases = [p for p in company_proposals if p["vendor_id"]]
            transfers = [p for p in company_proposals if p["source_warehouse_id"]]
            if not dry_run:
                engine._lock_rules(company_proposals)
                engine._lock_orders(purchases)
            summary["picking_ids"] += engine._run_transfers(transfers, dry_run)
            plan = engine._plan(purchases)
            summary["lines_created"] += sum(len(p) for p in plan["additions"].values())
            summary["lines_created"] += sum(len(p) for _k, p in plan["new_orders"])
            summary["lines_updated"] += len(plan["updates"])
            if not dry_run:
                orders = engine._apply(plan)
                engine._apply_policies(orders)
                summary["purchase_order_ids"] += orders.ids
                summary["picking_ids"] += orders.picking_ids.ids
        return summary

    def _run_transfers(self, transfers, dry_run):
        """Create the transfers of the proposals; return their pickings' ids
        (see ``stock.threshold.rebalance``)."""
        if dry_run or not transfers:
            return []
        return self.env["stock.threshold.rebalance"]._run_transfers(transfers)

    def _prepare_summary(self, skipped):
        return {
            "purchase_order_ids": [],
            "picking_ids": [],
            "lines_created": 0,
            "lines_updated": 0,
            "skipped": [
                {
                    "product_id": entry["product_id"],
                    "warehouse_id": entry["warehouse_id"],
                    "reason": entry["skipped_reason"],
                }
                for entry in skipped
            ],
        }

    def _lock_rules(self, proposals):
        """Serialise the runs that order for the same rules.

        The rows of the rules are locked, then stamped. Odoo's transactions
        are REPEATABLE READ: a run that overlaps another waits for it, then
        fails with a serialization error instead of ordering again from
        draft quantities it cannot see; Odoo's RPC layer retries it in a new
        transaction that sees the first run's lines, and the cron rolls the
        chunk back and runs it next time.
        """
        rule_ids = sorted({proposal["rule_id"] for proposal in proposals})
        self.env.cr.execute(
            SQL(
                "SELECT id FROM stock_threshold_rule WHERE id = ANY(%s) "
                "ORDER BY id FOR NO KEY UPDATE",
                rule_ids,
            )
        )
        self.env.cr.execute(
            SQL(
                "UPDATE stock_threshold_rule SET reorder_date = %s WHERE id = ANY(%s)",
                fields.Datetime.now(),
                rule_ids,
            )
        )
        self.env["stock.threshold.rule"].browse(rule_ids).invalidate_recordset(
            ["reorder_date"]
        )

    def _lock_orders(self, proposals):
        """Serialise the runs that order from the same vendor for the same
        receipt type, whatever their rules, before the draft RFQs to merge
        into are searched: a concurrent run waits, then fails to serialise
        and is retried (see ``_lock_rules``) and merges into the RFQ the
        first run opened instead of opening another one."""
        self.env["stock.threshold.order.lock"]._acquire(
            [self._get_group_key(proposal) for proposal in proposals]
        )

    def _plan(self, proposals):
        """What to write, without writing: ``updates`` ``[(line,
        proposal)]`` of existing RFQ lines, ``additions`` ``{order:
        [proposal]}`` for existing RFQs with room, ``new_orders`` ``[(key,
        [proposal])]`` split by the line limit."""
        groups = defaultdict(list)
        for proposal in proposals:
            groups[self._get_group_key(proposal)].append(proposal)
        orders = self._get_draft_orders(list(groups))
        limit = self.env.company.threshold_rfq_line_limit
        plan = {"updates": [], "additions": defaultdict(list), "new_orders": []}
        for key, group in groups.items():
            self._plan_group(plan, key, group, orders.get(key, []), limit)
        return plan

    def _get_group_key(self, proposal):
        """Proposals of one key go to one RFQ: ``(vendor, receipt type)``."""
        warehouse = self.env["stock.warehouse"].browse(proposal["warehouse_id"])
        picking_type = warehouse.buy_pull_id.picking_type_id or warehouse.in_type_id
        return proposal["vendor_id"], picking_type.id

    def _get_draft_orders(self, keys):
        """``{key: [orders]}``: the draft RFQs the proposals can merge into,
        oldest first, found in one search."""
        orders = self.env["purchase.order"].search(
            self._get_draft_orders_domain(keys), order="id"
        )
        orders.order_line.mapped("product_qty")
        result = defaultdict(list)
        for order in orders:
            result[order.partner_id.id, order.picking_type_id.id].append(order)
        return result

    def _get_draft_orders_domain(self, keys):
        """Draft RFQs of a key that Odoo's buy rule would merge into too
        (``stock.rule._make_po_get_domain``): the vendor's buyer, no
        procurement group (not a sale's make-to-order RFQ), no drop-ship."""
        vendors = self.env["res.partner"].browse({vendor for vendor, _t in keys})
        buyers = {vendor.id: vendor.buyer_id.id for vendor in vendors}
        return expression.AND(
            [
                [
                    ("state", "=", "draft"),
                    ("company_id", "=", self.env.company.id),
                    ("group_id", "=", False),
                    ("dest_address_id", "=", False),
                ],
                expression.OR(
                    [
                        [
                            ("partner_id", "=", vendor_id),
                            ("picking_type_id", "=", picking_type_id),
                            ("user_id", "=", buyers[vendor_id]),
                        ]
                        for vendor_id, picking_type_id in keys
                    ]
                ),
            ]
        )

    def _plan_group(self, plan, key, proposals, orders, limit):
        """Plan the proposals of one key: update the line of the product if
        an RFQ has one, else add to an RFQ with room, else to new RFQs."""
        lines = {}
        room = {}
        for order in orders:
            products = order.order_line.filtered(lambda line: not line.display_type)
            room[order] = limit - len(products) if limit else len(proposals)
            for line in products:
                lines.setdefault((line.product_id.id, line.product_uom.id), line)
        pending = []
        for proposal in proposals:
            line = lines.get((proposal["product_id"], proposal["uom_id"]))
            order = next((o for o in orders if room[o] > 0), None)
            if line:
                plan["updates"].append((line, proposal))
            elif order:
                plan["additions"][order].append(proposal)
                room[order] -= 1
            else:
                pending.append(proposal)
        size = limit or len(pending) or 1
        for start in range(0, len(pending), size):
            plan["new_orders"].append((key, pending[start : start + size]))

    def _apply(self, plan):
        """Write the plan: one create for the new RFQs, one for all new
        lines, one write per updated line. Returns the touched RFQs."""
        new_orders = self._create_orders(plan["new_orders"])
        additions = dict(plan["additions"])
        for order, (_key, proposals) in zip(
            new_orders, plan["new_orders"], strict=True
        ):
            additions[order] = proposals
        Line = self.env["purchase.order.line"]
        products = self._prefetch_products(
            [p["product_id"] for proposals in additions.values() for p in proposals]
        )
        self._prefetch_line_names(additions, products)
        distributions = {}
        vals_list = [
            self._prepare_line_values(
                order, products[proposal["product_id"]], proposal, distributions
            )
            for order, proposals in additions.items()
            for proposal in proposals
        ]
        Line.create(vals_list)
        for line, proposal in plan["updates"]:
            line.write(self._prepare_line_update(line, proposal))
        touched = Line.browse([line.id for line, _p in plan["updates"]]).order_id
        touched |= self.env["purchase.order"].concat(*additions)
        self._add_origin(touched - new_orders)
        return touched

    def _prefetch_line_names(self, additions, products):
        """Load the names and purchase descriptions of the products in the
        languages of the vendors, one query per language: Odoo's line
        preparation reads them one product at a time."""
        by_lang = defaultdict(set)
        for order, proposals in additions.items():
            lang = order.partner_id.lang
            by_lang[lang].update(p["product_id"] for p in proposals)
        for lang, product_ids in by_lang.items():
            lang_products = self.env["product.product"].browse(
                [products[product_id].id for product_id in product_ids]
            )
            lang_products.with_context(lang=lang).mapped("description_purchase")

    def _create_orders(self, new_orders):
        """Create the new RFQs in one batch. Odoo's preparation reads the
        vendors' company-dependent fields (fiscal position, currency, payment
        terms) one vendor at a time: they are loaded for all at once."""
        vendors = self.env["res.partner"].browse({key[0] for key, _p in new_orders})
        vendors.mapped("property_account_position_id")
        vals_list = [
            self._prepare_order_values(key, proposals) for key, proposals in new_orders
        ]
        return self.env["purchase.order"].create(vals_list)

    def _prepare_order_values(self, key, proposals):
        """Values of a new RFQ: Odoo's buy rule prepares them (partner,
        buyer, currency, payment terms, fiscal position, order date)."""
        warehouse = self.env["stock.warehouse"].browse(proposals[0]["warehouse_id"])
        Supplier = self.env["product.supplierinfo"]
        values = [
            {
                "supplier": Supplier.browse(proposal["supplierinfo_id"]),
                "date_planned": proposal["date_planned"],
            }
            for proposal in proposals
        ]
        rule = warehouse.buy_pull_id or self.env["stock.rule"]
        vals = rule._prepare_purchase_order(
            self.env.company, [self._get_origin()], values
        )
        vals["picking_type_id"] = key[1]
        return vals

    def _get_origin(self):
        """The source document of reordering RFQs."""
        return self.env._("Stock thresholds")

    def _add_origin(self, orders):
        """Existing RFQs that receive reordering lines say so."""
        origin = self._get_origin()
        for order in orders:
            origins = (order.origin or "").split(", ")
            if origin not in origins:
                order.origin = ", ".join(filter(None, [order.origin, origin]))

    def _prepare_line_values(self, order, product, proposal, distributions):
        """Values of a new RFQ line: Odoo prepares them (price for the
        quantity, taxes, description); the quantity is already in the
        purchase unit, the date from the lead times. ``distributions``
        memoises the analytic distribution per category and vendor."""
        seller = self.env["product.supplierinfo"].browse(proposal["supplierinfo_id"])
        uom = self.env["uom.uom"].browse(proposal["uom_id"])
        # Odoo names the line under the seller: see product.product.
        vals = self.env["purchase.order.line"]._prepare_purchase_order_line(
            product.with_context(threshold_seller_name=True),
            proposal["quantity"],
            uom,
            self.env.company,
            seller,
            order,
        )
        vals.update(
            order_id=order.id,
            date_planned=proposal["date_planned"],
            threshold_rule_id=proposal["rule_id"],
            threshold_alert_id=proposal["alert_id"],
            analytic_distribution=self._get_analytic_distribution(
                product, order, distributions
            ),
        )
        return vals

    def _get_analytic_distribution(self, product, order, memo):
        """Odoo's default analytic distribution of a purchase line, looked up
        once per product category and vendor instead of once per line (per
        product only when some distribution model names products)."""
        # Distribution models are configuration any buyer applies.
        Model = self.env["account.analytic.distribution.model"].sudo()
        if "by_product" not in memo:
            memo["by_product"] = bool(
                Model.search_count([("product_id", "!=", False)], limit=1)
            )
        key = (
            product.id if memo["by_product"] else None,
            product.categ_id.id,
            order.partner_id.id,
            order.company_id.id,
        )
        if key not in memo:
            memo[key] = Model._get_distribution(
                {
                    "product_id": product.id,
                    "product_categ_id": product.categ_id.id,
                    "partner_id": order.partner_id.id,
                    "partner_category_id": order.partner_id.category_id.ids,
                    "company_id": order.company_id.id,
                }
            )
        return memo[key]

    def _prepare_line_update(self, line, proposal):
        """An RFQ line of the product gets the missing quantity on top (the
        proposal already counted the line as a draft quantity)."""
        return {
            "product_qty": line.product_qty + proposal["quantity"],
            "threshold_rule_id": proposal["rule_id"],
            "threshold_alert_id": proposal["alert_id"],
        }

    def _apply_policies(self, orders):
        """Confirm or send the RFQs whose rules say so."""
        orders._apply_threshold_policies()

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------
    @api.model
    def _cron_run(self):
        """Scheduled reordering, warehouse by warehouse. Each warehouse is
        committed on its own: a run killed half-way resumes at the next
        warehouse, and the RFQs already committed count as draft
        quantities, so nothing is ordered twice."""
        warehouses = self.env["stock.warehouse"].sudo().search([])
        for index, warehouse in enumerate(warehouses):
            self.with_company(warehouse.company_id).with_context(
                allowed_company_ids=warehouse.company_id.ids
            )._run(warehouse.ids)
            self.env["ir.cron"]._notify_progress(
                done=index + 1, remaining=len(warehouses) - index - 1
            )
            # Chunk boundary of the cron (see docstring).
            self.env.cr.commit()  # pylint: disable=invalid-commit
