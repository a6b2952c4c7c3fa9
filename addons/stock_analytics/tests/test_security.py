from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import AnalyticsCommon


class TestSecurity(AnalyticsCommon):
    """Analytics users read their companies' figures; managers configure."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Analytics B"})
        cls.wh_b = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company_b.id)]
        )
        cls._receive(cls.product_std, cls.wh_1, 3, 5, 4.0)
        cls._receive(cls.product_std, cls.wh_b, 7, 5, 4.0)
        both = (cls.company | cls.company_b).ids
        cls.user = new_test_user(
            cls.env,
            "analytics_user",
            groups="stock_analytics.group_analytics_user",
            company_ids=[(6, 0, both)],
            company_id=cls.company.id,
        )
        cls.manager = new_test_user(
            cls.env,
            "analytics_manager",
            groups="stock_analytics.group_analytics_manager",
            company_ids=[(6, 0, both)],
            company_id=cls.company.id,
        )
        cls.stock_user = new_test_user(
            cls.env, "plain_stock", groups="stock.group_stock_user"
        )

    def _aging_warehouses(self, env):
        rows = env["stock.analytics"].get_aging(product_ids=self.product_std.ids)
        return {row["warehouse_id"] for row in rows}

    def test_companies_of_the_environment(self):
        env = self.env(user=self.user)
        only_a = env(context=dict(env.context, allowed_company_ids=[self.company.id]))
        self.assertEqual(self._aging_warehouses(only_a), {self.wh_1.id})
        both = env(
            context=dict(
                env.context, allowed_company_ids=[self.company.id, self.company_b.id]
            )
        )
        self.assertEqual(self._aging_warehouses(both), {self.wh_1.id, self.wh_b.id})
        only_b = env(context=dict(env.context, allowed_company_ids=[self.company_b.id]))
        self.assertEqual(self._aging_warehouses(only_b), {self.wh_b.id})

    def test_other_users_are_refused(self):
        with self.assertRaises(AccessError):
            self.env(user=self.stock_user)["stock.analytics"].get_dead_stock()

    def test_lines_of_other_companies_are_hidden(self):
        both = self.env(user=self.user)(
            context={"allowed_company_ids": [self.company.id, self.company_b.id]}
        )
        wizard = both["stock.analytics.wizard"].create(
            {"report": "dead_stock", "days": 0}
        )
        lines = both[wizard.action_view()["res_model"]].search(
            [("wizard_id", "=", wizard.id)]
        )
        self.assertEqual(lines.company_id, self.company | self.company_b)
        only_a = self.env(user=self.user)(
            context={"allowed_company_ids": [self.company.id]}
        )
        found = only_a["stock.analytics.dead.stock.line"].search(
            [("wizard_id", "=", wizard.id)]
        )
        self.assertEqual(found.company_id, self.company)

    def test_schedules_are_managed_by_managers(self):
        values = {"name": "Weekly", "user_ids": [(6, 0, self.user.ids)]}
        with self.assertRaises(AccessError):
            self.env(user=self.user)["stock.analytics.schedule"].create(values)
        schedule = self.env(user=self.manager)["stock.analytics.schedule"].create(
            values
        )
        self.assertEqual(schedule.with_user(self.user).name, "Weekly")
