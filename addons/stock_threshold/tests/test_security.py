from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ThresholdCommon


@tagged("post_install", "-at_install")
class TestThresholdSecurity(ThresholdCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule_a = cls._create_rule()
        cls.company_b = cls.env["res.company"].create({"name": "Security Co B"})
        cls.user_b = cls.env["res.users"].create(
            {
                "name": "Company B stock user",
                "login": "thr_user_b",
                "company_id": cls.company_b.id,
                "company_ids": [(6, 0, cls.company_b.ids)],
                "groups_id": [(6, 0, [cls.env.ref("stock.group_stock_manager").id])],
            }
        )
        cls.outsider = cls.env["res.users"].create(
            {
                "name": "No thresholds",
                "login": "thr_outsider",
                "groups_id": [(6, 0, [cls.env.ref("base.group_user").id])],
            }
        )

    def test_company_b_sees_nothing_of_company_a(self):
        env_b = self.env(user=self.user_b)
        self.assertFalse(env_b["stock.threshold.rule"].search([]))
        self.assertFalse(env_b["stock.threshold.status"].search([]))
        alert_a = self.env["stock.threshold.alert"].search(
            [("rule_id", "=", self.rule_a.id)]
        )
        self.assertTrue(alert_a)
        self.assertFalse(env_b["stock.threshold.alert"].search([]))
        with self.assertRaises(AccessError):
            env_b["stock.threshold.alert"].browse(alert_a.id).action_acknowledge()
        rows = env_b["stock.position"].get_positions(product_ids=self.product.ids)
        self.assertNotIn(self.wh_a.id, {row["warehouse_id"] for row in rows})
        with self.assertRaises(AccessError):
            env_b["stock.threshold.rule"].browse(self.rule_a.id).read(["min_value"])

    def test_alerts_need_threshold_group(self):
        env_out = self.env(user=self.outsider)
        with self.assertRaises(AccessError):
            env_out["stock.threshold.alert"].search([])

    def test_positions_need_threshold_group(self):
        with self.assertRaises(AccessError):
            self.env(user=self.outsider)["stock.position"].get_positions()
        with self.assertRaises(AccessError):
            self.env(user=self.outsider)["stock.threshold.status"].search([])

    def test_inventory_groups_imply_threshold_groups(self):
        self.assertTrue(
            self.user_b.has_group("stock_threshold.group_threshold_manager")
        )
        self.assertFalse(
            self.outsider.has_group("stock_threshold.group_threshold_user")
        )
