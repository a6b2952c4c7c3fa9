from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from ..tools.suggestion import service_level_z, suggest_levels, usage_statistics
from .common import ReorderCommon


@tagged("post_install", "-at_install")
class TestSuggestions(ReorderCommon):
    """A known demand series: 6 units a day on 10 of the last 30 days, so a
    mean of 2 and a deviation of sqrt(8); vendor lead time 4 days."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.threshold_usage_days = 30
        cls.product.seller_ids.delay = 4
        cls._add_stock(cls.product, cls.wh_a.lot_stock_id, 60)
        now = fields.Datetime.now()
        for day in range(10):
            picking = cls._deliver(cls.wh_a, [(cls.product, 6, None)])
            picking.move_ids.date = now - timedelta(days=2 * day + 1, hours=1)
        cls.rule = cls._create_rule(min_value=1, safety_value=0, max_value=2)
        cls.Suggestion = cls.env["stock.threshold.suggestion"]

    def _suggestion(self):
        action = self.Suggestion.action_open(self.wh_a.ids)
        suggestions = self.Suggestion.search(action["domain"])
        return suggestions.filtered(lambda s: s.product_id == self.product)

    def test_statistics_and_levels(self):
        mean, sigma = usage_statistics(60, 360, 30)
        self.assertEqual(mean, 2)
        self.assertAlmostEqual(sigma, 8**0.5)
        self.assertAlmostEqual(service_level_z(95), 1.6449, places=4)
        levels = suggest_levels(2, 8**0.5, 4, 95, 14)
        self.assertAlmostEqual(levels["safety"], 1.6449 * 8**0.5 * 2, places=3)
        self.assertAlmostEqual(levels["minimum"], 8 + levels["safety"])
        self.assertAlmostEqual(levels["maximum"], levels["minimum"] + 28)
        with self.assertRaises(ValueError):
            service_level_z(100)

    def test_suggestion_inputs_from_history(self):
        suggestion = self._suggestion()
        self.assertAlmostEqual(suggestion.mean_usage, 2)
        self.assertAlmostEqual(suggestion.sigma_usage, 8**0.5, places=3)
        self.assertEqual(suggestion.vendor_lead_days, 4)
        self.assertEqual(suggestion.lead_days, 4)
        self.assertAlmostEqual(suggestion.safety_qty, 9.30, places=2)
        self.assertAlmostEqual(suggestion.min_qty, 17.30, places=2)
        self.assertAlmostEqual(suggestion.max_qty, 45.30, places=2)

    def test_apply_in_bulk(self):
        self._suggestion().action_apply()
        self.assertEqual(
            (self.rule.safety_value, self.rule.min_value, self.rule.max_value),
            (9.3, 17.3, 45.3),
        )

    def test_apply_to_category_rule_creates_product_rule(self):
        self.rule.unlink()
        categ_rule = self._create_rule(
            product_scope="category", product_id=False, categ_id=self.categ_child.id
        )
        self._suggestion().action_apply()
        own = self.Rule.search([("product_id", "=", self.product.id)])
        self.assertEqual(own.min_value, 17.3)
        self.assertEqual(categ_rule.min_value, 10)

    def test_measured_lead_time_wins(self):
        """A receipt confirmed 6 days before it arrived."""
        order = self.PurchaseOrder.create(
            {
                "partner_id": self.vendor.id,
                "picking_type_id": self.wh_a.in_type_id.id,
                "order_line": [
                    fields.Command.create(
                        {"product_id": self.product.id, "product_qty": 1}
                    )
                ],
            }
        )
        order.button_confirm()
        self._validate(order.picking_ids)
        order.date_approve = order.picking_ids.move_ids.date - timedelta(days=6)
        suggestion = self._suggestion()
        self.assertAlmostEqual(suggestion.measured_lead_days, 6, places=3)
        self.assertAlmostEqual(suggestion.lead_days, 6, places=3)

    def test_rule_follows_suggestions(self):
        self.rule.follow_suggestions = True
        self.Rule._cron_follow_suggestions()
        self.assertEqual(self.rule.min_value, 17.3)

    def test_each_company_with_its_usage_window(self):
        """Another company's warehouse is measured over that company's
        window: 5 used yesterday over 10 days, a mean of 0.5."""
        other = self.env["res.company"].create(
            {"name": "Suggestion Other Co", "threshold_usage_days": 10}
        )
        wh_c = self.env["stock.warehouse"].create(
            {"name": "Threshold C", "code": "THC", "company_id": other.id}
        )
        self._add_stock(self.product, wh_c.lot_stock_id, 20)
        picking = self._validate(
            self.env["stock.picking"]
            .with_company(other)
            .create(
                {
                    "picking_type_id": wh_c.out_type_id.id,
                    "location_id": wh_c.lot_stock_id.id,
                    "location_dest_id": self.customer_loc.id,
                    "move_ids": [
                        fields.Command.create(
                            {
                                "name": "usage",
                                "product_id": self.product.id,
                                "product_uom_qty": 5,
                                "location_id": wh_c.lot_stock_id.id,
                                "location_dest_id": self.customer_loc.id,
                            }
                        )
                    ],
                }
            )
        )
        picking.move_ids.date = fields.Datetime.now() - timedelta(days=1)
        self._create_rule(warehouse_id=wh_c.id, company_id=other.id)
        Suggestion = self.Suggestion.with_context(
            allowed_company_ids=[self.env.company.id, other.id]
        )
        values = Suggestion._get_suggestions((self.wh_a | wh_c).ids, self.product.ids)
        by_warehouse = {v["warehouse_id"]: v for v in values}
        self.assertEqual(by_warehouse[wh_c.id]["usage_days"], 10)
        self.assertAlmostEqual(by_warehouse[wh_c.id]["mean_usage"], 0.5)
        self.assertEqual(by_warehouse[self.wh_a.id]["usage_days"], 30)
        self.assertAlmostEqual(by_warehouse[self.wh_a.id]["mean_usage"], 2)
