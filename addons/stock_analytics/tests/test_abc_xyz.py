from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command

from .common import AnalyticsCommon


class TestAbcXyz(AnalyticsCommon):
    """Four products at cost 1 consumed over the last three complete months:
    [10, 10, 30] (value 50), [10, 10, 10] (30), [0, 15, 0] (15), [2, 2, 1]
    (5): shares 50, 30, 15 and 5 %."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.products = cls.env["product.product"]
        for index, series in enumerate(
            ([10, 10, 30], [10, 10, 10], [0, 15, 0], [2, 2, 1])
        ):
            product = cls._create_product(
                f"ABC {index}", cls.categ_std, standard_price=1.0
            )
            cls._receive(product, cls.wh_1, 100, 400, 1.0)
            for months_ago, qty in zip((3, 2, 1), series, strict=True):
                if qty:
                    cls._deliver(product, cls.wh_1, qty, cls._days_ago(months_ago))
            cls.products |= product
        first = cls.today.replace(day=1)
        cls.period = {
            "date_from": first - relativedelta(months=3),
            "date_to": first - timedelta(days=1),
            "product_ids": cls.products.ids,
        }

    def test_abc_xyz_classes(self):
        rows = {r["product_id"]: r for r in self.analytics.get_abc_xyz(**self.period)}
        self.assertEqual(
            [rows[p.id]["abc_xyz"] for p in self.products], ["AY", "AX", "BZ", "CX"]
        )
        first = rows[self.products[0].id]
        self.assertAlmostEqual(first["consumption_value"], 50.0)
        self.assertAlmostEqual(first["share"], 0.5)
        self.assertAlmostEqual(first["demand_mean"], 50 / 3)
        self.assertAlmostEqual(first["demand_cv"], (800 / 9) ** 0.5 / (50 / 3))
        self.assertAlmostEqual(rows[self.products[2].id]["cumulative_share"], 0.95)
        self.assertAlmostEqual(rows[self.products[2].id]["demand_cv"], 2**0.5)

    def test_abc_xyz_cutoffs(self):
        rows = self.analytics.get_abc_xyz(
            **self.period, abc_cutoffs=(0.5, 0.8), xyz_cutoffs=(0.3, 0.6)
        )
        by_product = {r["product_id"]: r["abc_xyz"] for r in rows}
        self.assertEqual(
            [by_product[p.id] for p in self.products], ["AY", "BX", "CZ", "CX"]
        )

    def test_cron_stores_classes(self):
        # the window covers the three months and the current one (no demand)
        days = (self.today - self.period["date_from"]).days + 1
        self.env["ir.config_parameter"].set_param("stock_analytics.abc_xyz_days", days)
        idle = self._create_product("ABC idle", self.categ_std)
        cron = self.env.ref("stock_analytics.ir_cron_stock_analytics_abc_xyz")
        cron.method_direct_trigger()
        self.assertEqual(
            [(p.abc_class, p.xyz_class) for p in self.products],
            [("A", "Y"), ("A", "Y"), ("B", "Z"), ("C", "Y")],
        )
        self.assertEqual((idle.abc_class, idle.xyz_class), ("C", "Z"))
        self.assertEqual(self.products[0].abc_xyz_date, self.today)
        self.assertEqual(self.products[0].product_tmpl_id.abc_class, "A")
        other = self.env["res.company"].create({"name": "ABC other company"})
        self.assertFalse(self.products[0].with_company(other).abc_class)
        found = self.env["product.product"].search(
            [("abc_class", "=", "A"), ("id", "in", self.products.ids)]
        )
        self.assertEqual(found, self.products[:2])

    def test_template_of_several_variants_has_no_class(self):
        """Only a single-variant template shows its variant's classes."""
        attribute = self.env["product.attribute"].create(
            {
                "name": "ABC size",
                "value_ids": [Command.create({"name": n}) for n in ("S", "M")],
            }
        )
        template = self.env["product.template"].create(
            {
                "name": "ABC variants",
                "is_storable": True,
                "attribute_line_ids": [
                    Command.create(
                        {
                            "attribute_id": attribute.id,
                            "value_ids": [Command.set(attribute.value_ids.ids)],
                        }
                    )
                ],
            }
        )
        self.assertEqual(len(template.product_variant_ids), 2)
        template.product_variant_ids[0].write(
            {"abc_class": "A", "xyz_class": "X", "abc_xyz_date": self.today}
        )
        self.assertFalse(template.abc_class)
        self.assertFalse(template.xyz_class)
        self.assertFalse(template.abc_xyz_date)

    def test_cron_leaves_other_companies_products(self):
        """The run for a company classifies its own and shared products only."""
        other = self.env["res.company"].create({"name": "ABC other company"})
        own = self._create_product("ABC other's", self.categ_std, company_id=other.id)
        shared = self._create_product("ABC shared", self.categ_std)
        self.env.ref(
            "stock_analytics.ir_cron_stock_analytics_abc_xyz"
        ).method_direct_trigger()
        self.assertEqual(shared.abc_class, "C")
        self.assertEqual(own.with_company(other).abc_class, "C")
        self.assertFalse(own.with_company(self.company).abc_class)
