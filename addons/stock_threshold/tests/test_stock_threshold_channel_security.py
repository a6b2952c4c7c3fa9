from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ThresholdCommon

SECRET = "a-secret-of-more-than-16-chars"


@tagged("post_install", "-at_install")
class TestThresholdChannelSecurity(ThresholdCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Channel Co B"})
        cls.wh_b_co = cls.env["stock.warehouse"].create(
            {"name": "Co B", "code": "CHB", "company_id": cls.company_b.id}
        )
        Users = cls.env["res.users"]
        stock_user = cls.env.ref("stock.group_stock_user")
        stock_manager = cls.env.ref("stock.group_stock_manager")
        both = [(6, 0, (cls.company | cls.company_b).ids)]
        cls.user = Users.create(
            {
                "name": "Channel stock user",
                "login": "thr_channel_user",
                "company_ids": both,
                "groups_id": [(6, 0, stock_user.ids)],
            }
        )
        cls.manager_b = Users.create(
            {
                "name": "Channel manager B",
                "login": "thr_channel_manager_b",
                "company_id": cls.company_b.id,
                "company_ids": [(6, 0, cls.company_b.ids)],
                "groups_id": [(6, 0, stock_manager.ids)],
            }
        )
        cls.webhook = cls.env["stock.threshold.webhook"].create(
            {"name": "A", "url": "http://127.0.0.1:9/a", "secret_input": SECRET}
        )
        cls._create_rule()
        cls._create_rule(
            warehouse_id=cls.wh_b_co.id,
            product_id=cls.product_2.id,
            company_id=cls.company_b.id,
        )

    def test_webhooks_are_for_managers_only(self):
        Webhook = self.env(user=self.user)["stock.threshold.webhook"]
        with self.assertRaises(AccessError):
            Webhook.search([])
        with self.assertRaises(AccessError):
            Webhook.create(
                {"name": "X", "url": "http://x.test", "secret_input": SECRET}
            )
        with self.assertRaises(AccessError):
            self.env(user=self.user)["stock.threshold.webhook.delivery"].search([])
        env_b = self.env(user=self.manager_b)
        webhook_b = env_b["stock.threshold.webhook"].create(
            {"name": "B", "url": "http://127.0.0.1:9/b", "secret_input": SECRET}
        )
        self.assertEqual(webhook_b.company_id, self.company_b)
        self.assertEqual(webhook_b.secret, SECRET)
        self.assertFalse(webhook_b.secret_input, "never shown back")
        self.assertEqual(env_b["stock.threshold.webhook"].search([]), webhook_b)
        self.assertFalse(
            env_b["stock.threshold.webhook.delivery"].search(
                [("webhook_id", "=", self.webhook.id)]
            )
        )
        self.assertTrue(
            self.env["stock.threshold.webhook.delivery"].search(
                [("webhook_id", "=", self.webhook.id)]
            )
        )

    def test_alerts_of_the_user_companies_only(self):
        all_companies = {"allowed_company_ids": (self.company | self.company_b).ids}
        Alert = self.env(user=self.user, context=all_companies)["stock.threshold.alert"]
        self.assertEqual(
            Alert.search([]).company_id & (self.company | self.company_b),
            self.company | self.company_b,
        )
        only_b = self.env(
            user=self.user, context={"allowed_company_ids": [self.company_b.id]}
        )
        self.assertEqual(
            only_b["stock.threshold.alert"].search([]).company_id, self.company_b
        )
        intruder = self.env(
            user=self.manager_b, context={"allowed_company_ids": [self.company.id]}
        )
        with self.assertRaises(AccessError):
            intruder["stock.threshold.alert"].search([])
        self.assertEqual(
            self.env(user=self.manager_b)["stock.threshold.alert"]
            .search([])
            .company_id,
            self.company_b,
        )
