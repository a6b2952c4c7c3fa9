from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import ThresholdCommon


@tagged("post_install", "-at_install")
class TestThresholdRule(ThresholdCommon):
    def test_minimum_above_maximum_refused(self):
        with self.assertRaisesRegex(ValidationError, "minimum"):
            self._create_rule(min_value=50, max_value=20)

    def test_no_maximum_allows_any_minimum(self):
        rule = self._create_rule(min_value=50, max_value=0)
        self.assertEqual(rule.min_value, 50)

    def test_safety_above_minimum_refused(self):
        with self.assertRaisesRegex(ValidationError, "safety stock"):
            self._create_rule(safety_value=20, min_value=10)

    def test_negative_values_refused(self):
        for field in ("min_value", "safety_value", "max_value", "lead_days"):
            with (
                self.subTest(field=field),
                self.assertRaisesRegex(ValidationError, "cannot be negative"),
            ):
                self._create_rule(**{"safety_value": 0, field: -1})

    def test_non_internal_location_refused(self):
        with self.assertRaisesRegex(ValidationError, "not an internal location"):
            self._create_rule(
                scope_type="location",
                warehouse_id=False,
                location_id=self.wh_a.view_location_id.id,
            )

    def test_other_company_refused(self):
        company_b = self.env["res.company"].create({"name": "Rule Co B"})
        product_b = self._create_product(
            "Rule B product", self.categ_child, company_id=company_b.id
        )
        wh_b = self.env["stock.warehouse"].search([("company_id", "=", company_b.id)])
        with self.assertRaises(UserError):
            self._create_rule(product_id=product_b.id)
        with self.assertRaises(UserError):
            self._create_rule(
                scope_type="location",
                warehouse_id=False,
                location_id=wh_b.lot_stock_id.id,
            )

    def test_duplicate_scope_refused(self):
        self._create_rule()
        with self.assertRaisesRegex(ValidationError, "same product and location scope"):
            self._create_rule(min_value=20)
        # An archived rule does not tie.
        self._create_rule(active=False, min_value=30)

    def test_precedence_product_category_all(self):
        rule_all = self._create_rule(product_scope="all", product_id=False)
        rule_parent = self._create_rule(
            product_scope="category", product_id=False, categ_id=self.categ_parent.id
        )
        rule_child = self._create_rule(
            product_scope="category", product_id=False, categ_id=self.categ_child.id
        )
        Rule = self.env["stock.threshold.rule"]
        location = self.wh_a.view_location_id
        self.assertEqual(
            Rule.explain_governing_rule(self.product.id, location.id)["rule_id"],
            rule_child.id,
        )
        self.assertEqual(
            Rule.explain_governing_rule(self.product_2.id, location.id)["rule_id"],
            rule_parent.id,
        )
        rule_product = self._create_rule()
        explained = Rule.explain_governing_rule(self.product.id, location.id)
        self.assertEqual(explained["rule_id"], rule_product.id)
        self.assertEqual(
            [c["rule_id"] for c in explained["candidates"]],
            [rule_product.id, rule_child.id, rule_parent.id, rule_all.id],
        )
        self.assertIn("takes precedence", explained["reason"])
        # The evaluation governs by the same rules as the explanation.
        rows = self.env["stock.position"].get_positions(
            product_ids=(self.product | self.product_2).ids,
            warehouse_ids=self.wh_a.ids,
        )
        governing = {row["product_id"]: row["rule_id"] for row in rows}
        self.assertEqual(governing[self.product.id], rule_product.id)
        self.assertEqual(governing[self.product_2.id], rule_parent.id)

    def test_precedence_location_after_product(self):
        rule_wh = self._create_rule()
        rule_shelf_all = self._create_rule(
            scope_type="location",
            warehouse_id=False,
            location_id=self.shelf_a.id,
            product_scope="all",
            product_id=False,
        )
        rule_shelf_product = self._create_rule(
            scope_type="location", warehouse_id=False, location_id=self.shelf_a.id
        )
        Rule = self.env["stock.threshold.rule"]
        # Same product scope: the deeper location wins.
        self.assertEqual(
            Rule.explain_governing_rule(self.product.id, self.shelf_a.id)["rule_id"],
            rule_shelf_product.id,
        )
        rule_shelf_product.active = False
        # The product scope is compared first: the warehouse product rule wins
        # over the all-products rule of the shelf.
        self.assertEqual(
            Rule.explain_governing_rule(self.product.id, self.shelf_a.id)["rule_id"],
            rule_wh.id,
        )
        self.assertEqual(
            Rule.explain_governing_rule(self.product_2.id, self.shelf_a.id)["rule_id"],
            rule_shelf_all.id,
        )
        self.assertFalse(
            Rule.explain_governing_rule(self.product_2.id, self.wh_b.lot_stock_id.id)[
                "rule_id"
            ]
        )

    def test_scope_location(self):
        rule = self._create_rule()
        self.assertEqual(rule.scope_location_id, self.wh_a.view_location_id)
        rule.write(
            {
                "scope_type": "location",
                "warehouse_id": False,
                "location_id": self.shelf_a.id,
            }
        )
        self.assertEqual(rule.scope_location_id, self.shelf_a)
