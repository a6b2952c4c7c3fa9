from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from odoo.addons.stock_threshold.tests.common import ThresholdCommon


@tagged("post_install", "-at_install")
class TestAbcScope(ThresholdCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rule = cls.env["stock.threshold.rule"]
        cls.Status = cls.env["stock.threshold.status"]
        cls._set_class(cls.product, "A")
        cls._set_class(cls.product_2, "B")

    @classmethod
    def _set_class(cls, product, abc):
        product.with_company(cls.company).abc_class = abc

    def _rule(self, **values):
        return self.Rule.create(
            {
                "scope_type": "warehouse",
                "warehouse_id": self.wh_a.id,
                "product_scope": "all",
                "min_value": 10,
                **values,
            }
        )

    def _governing(self, product):
        return self.Rule.explain_governing_rule(product.id, self.wh_a.lot_stock_id.id)

    def _status(self, product):
        return self.Status.search(
            [("product_id", "=", product.id), ("warehouse_id", "=", self.wh_a.id)]
        )

    def test_class_rule_governs_its_class_only(self):
        plain = self._rule()
        class_a = self._rule(abc_class="A", min_value=50)
        self.assertEqual(self._governing(self.product)["rule_id"], class_a.id)
        self.assertIn("ABC class A", self._governing(self.product)["reason"])
        self.assertEqual(self._governing(self.product_2)["rule_id"], plain.id)
        self.assertEqual(self._status(self.product).rule_id, class_a)
        self.assertEqual(self._status(self.product).min_qty, 50)
        self.assertEqual(self._status(self.product_2).rule_id, plain)

    def test_category_beats_class_and_class_narrows_category(self):
        class_a = self._rule(abc_class="A")
        category = self._rule(product_scope="category", categ_id=self.categ_parent.id)
        self.assertEqual(self._governing(self.product)["rule_id"], category.id)
        category_a = self._rule(
            product_scope="category", categ_id=self.categ_parent.id, abc_class="A"
        )
        self.assertEqual(self._governing(self.product)["rule_id"], category_a.id)
        self.assertEqual(self._governing(self.product_2)["rule_id"], category.id)
        self.assertNotEqual(class_a, category_a)

    def test_class_of_another_company_does_not_match(self):
        other = self.env["res.company"].create({"name": "ABC Other Co"})
        self.product.with_company(other).abc_class = "C"
        self.product.with_company(self.company).abc_class = "C"
        self.product.with_company(other).abc_class = "A"
        self._rule()
        self._rule(abc_class="A", min_value=50)
        self.assertNotIn("ABC class", self._governing(self.product)["reason"])

    def test_same_scope_same_class_refused_other_class_allowed(self):
        self._rule(abc_class="A")
        self._rule(abc_class="B")
        with self.assertRaises(ValidationError):
            self._rule(abc_class="A")

    def test_product_rule_cannot_have_class(self):
        with self.assertRaises(ValidationError):
            self._rule(
                product_scope="product", product_id=self.product.id, abc_class="A"
            )
        form = Form(self.Rule)
        form.product_scope = "all"
        form.abc_class = "A"
        form.product_scope = "product"
        self.assertFalse(form.abc_class)

    def test_reclassification_moves_status_to_the_class_rule(self):
        plain = self._rule()
        class_a = self._rule(abc_class="A", min_value=50)
        # consumption worth far more than anything else: the product is class A
        product = self._create_product(
            "ABC fast mover", self.categ_child, standard_price=1e6
        )
        self._set_class(product, "C")
        self.Status._evaluate(product_ids=product.ids)
        self.assertEqual(self._status(product).rule_id, plain)
        self._add_stock(product, self.wh_a.lot_stock_id, 20)
        delivery = self._create_picking(
            self.wh_a.out_type_id,
            self.wh_a.lot_stock_id,
            self.customer_loc,
            [(product, 10, None)],
        )
        delivery.move_ids.quantity = 10
        delivery.move_ids.picked = True
        delivery._action_done()
        self.env["product.product"]._compute_abc_xyz_classes()
        self.assertEqual(product.with_company(self.company).abc_class, "A")
        self.assertEqual(self._status(product).rule_id, class_a)
