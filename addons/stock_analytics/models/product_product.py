from datetime import timedelta

from odoo import api, fields, models

from ..lib.classification import DEFAULT_ABC_CUTOFFS, DEFAULT_XYZ_CUTOFFS

ABC_CLASSES = [("A", "A"), ("B", "B"), ("C", "C")]
XYZ_CLASSES = [("X", "X"), ("Y", "Y"), ("Z", "Z")]


class ProductProduct(models.Model):
    _inherit = "product.product"

    abc_class = fields.Selection(
        ABC_CLASSES,
        string="ABC Class",
        company_dependent=True,
        readonly=True,
        help="Rank by consumption value, recomputed by a scheduled action.",
    )
    xyz_class = fields.Selection(
        XYZ_CLASSES,
        string="XYZ Class",
        company_dependent=True,
        readonly=True,
        help="Rank by demand variability, recomputed by a scheduled action.",
    )
    abc_xyz_date = fields.Date(
        string="Classified On", company_dependent=True, readonly=True
    )

    @api.model
    def _cron_compute_abc_xyz(self):
        """Scheduled action: classify the storable products of every company."""
        for company in self.env["res.company"].search([]):
            self.with_company(company).with_context(
                allowed_company_ids=company.ids
            )._compute_abc_xyz_classes()

    @api.model
    def _compute_abc_xyz_classes(self):
        """Store the ABC / XYZ classes of the current company's products (its
        own and the shared ones) over the configured window; products without
        consumption are ``C`` / ``Z``.
        One write per class pair, not per product."""
        params = self._get_abc_xyz_params()
        today = fields.Date.context_today(self)
        rows = (
            self.env["stock.analytics"]
            .sudo()
            .get_abc_xyz(
                date_from=today - timedelta(days=params["days"] - 1),
                date_to=today,
                abc_cutoffs=params["abc_cutoffs"],
                xyz_cutoffs=params["xyz_cutoffs"],
            )
        )
        by_class = {}
        for row in rows:
            by_class.setdefault((row["abc_class"], row["xyz_class"]), []).append(
                row["product_id"]
            )
        classified = {pid for ids in by_class.values() for pid in ids}
        idle = self.search(
            [
                ("is_storable", "=", True),
                ("company_id", "in", [False, self.env.company.id]),
                ("id", "not in", list(classified)),
            ]
        )
        by_class.setdefault(("C", "Z"), []).extend(idle.ids)
        for (abc, xyz), product_ids in by_class.items():
            self.browse(product_ids).write(
                {"abc_class": abc, "xyz_class": xyz, "abc_xyz_date": today}
            )

    @api.model
    def _get_abc_xyz_params(self):
        """Window and cut-offs from the system parameters ``stock_analytics.*``."""
        get = self.env["ir.config_parameter"].sudo().get_param

        def pair(key, default):
            value = get(f"stock_analytics.{key}")
            return tuple(float(v) for v in value.split(",")) if value else default

        return {
            "days": int(get("stock_analytics.abc_xyz_days") or 365),
            "abc_cutoffs": pair("abc_cutoffs", DEFAULT_ABC_CUTOFFS),
            "xyz_cutoffs": pair("xyz_cutoffs", DEFAULT_XYZ_CUTOFFS),
        }
