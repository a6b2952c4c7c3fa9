from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from odoo.addons.stock_analytics.models.product_product import ABC_CLASSES


class StockThresholdRule(models.Model):
    _inherit = "stock.threshold.rule"

    abc_class = fields.Selection(
        ABC_CLASSES,
        string="ABC Class",
        help="Only the products of this ABC class in the rule's company (as the "
        "scheduled classification stored it). Among rules of the same product "
        "scope, a rule with a class takes precedence over one without.",
    )

    @api.depends("abc_class")
    def _compute_display_name(self):
        result = super()._compute_display_name()
        for rule in self.filtered(lambda r: r.abc_class and not r.name):
            rule.display_name = self.env._(
                "%(rule)s (class %(abc)s)", rule=rule.display_name, abc=rule.abc_class
            )
        return result

    @api.constrains("abc_class", "product_scope")
    def _check_abc_class(self):
        for rule in self:
            if rule.abc_class and rule.product_scope == "product":
                raise ValidationError(
                    self.env._(
                        "A rule for one product cannot be narrowed to an ABC class: "
                        "%(rule)s.",
                        rule=rule.display_name,
                    )
                )

    @api.constrains("abc_class")
    def _check_unique_scope_abc(self):
        self._check_unique_scope()

    @api.onchange("product_scope")
    def _onchange_product_scope(self):
        result = super()._onchange_product_scope()
        if self.product_scope == "product":
            self.abc_class = False
        return result

    def _get_scope_fields(self):
        return [*super()._get_scope_fields(), "abc_class"]

    def _get_status_fields(self):
        return [*super()._get_status_fields(), "abc_class"]

    def _rule_candidate_filter(self):
        """A rule with a class matches the products of that class in the
        rule's company (``abc_class`` is company dependent: a JSON object
        keyed by company id)."""
        extra = super()._rule_candidate_filter()
        return {
            "rule_columns": extra["rule_columns"] + [SQL("r.abc_class")],
            "product_columns": extra["product_columns"]
            + [SQL("p.abc_class AS abc_classes")],
            "match": SQL(
                "%s AND (r.abc_class IS NULL "
                "OR p.abc_classes ->> r.company_id::text = r.abc_class)",
                extra["match"],
            ),
            "rank": SQL(
                "%s + CASE WHEN r.abc_class IS NULL THEN 0 ELSE 1 END", extra["rank"]
            ),
        }

    def _get_precedence_reason(self, product, others):
        reason = super()._get_precedence_reason(product, others)
        if self.abc_class:
            reason += " " + self.env._(
                "It applies to the products of ABC class %(abc)s only.",
                abc=self.abc_class,
            )
        return reason
