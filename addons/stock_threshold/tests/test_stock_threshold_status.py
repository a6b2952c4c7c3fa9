from datetime import timedelta

import numpy as np

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged, users
from odoo.tools import SQL

from ..tools.sql_array import array_literal
from .common import ThresholdCommon


@tagged("post_install", "-at_install")
class TestThresholdStatus(ThresholdCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls._create_rule(safety_value=5, min_value=10, max_value=100)
        cls.manager = cls.env["res.users"].create(
            {
                "name": "Threshold Manager",
                "login": "thr_manager",
                "groups_id": [(6, 0, [cls.env.ref("stock.group_stock_manager").id])],
            }
        )
        cls.user = cls.env["res.users"].create(
            {
                "name": "Threshold User",
                "login": "thr_user",
                "groups_id": [(6, 0, [cls.env.ref("stock.group_stock_user").id])],
            }
        )

    def _status_of(self, product=None):
        return self._status(product or self.product, self.wh_a.view_location_id)

    def test_rule_creation_evaluates(self):
        status = self._status_of()
        self.assertEqual(status.status, "out_of_stock")
        self.assertEqual(status.rule_id, self.rule)
        self.assertEqual(status.warehouse_id, self.wh_a)
        self.assertEqual(status.product_tmpl_id, self.product.product_tmpl_id)
        self.assertEqual(
            (status.min_qty, status.safety_qty, status.max_qty), (10, 5, 100)
        )
        self.assertTrue(status.to_reorder)
        self.assertFalse(self._status_of(self.product_2))

    def test_each_status_code(self):
        Status = self.env["stock.threshold.status"]
        for quantity, expected in (
            (3, "below_safety"),
            (7, "below_min"),
            (50, "ok"),
            (150, "overstock"),
        ):
            with self.subTest(quantity=quantity):
                quants = self.env["stock.quant"].search(
                    [("product_id", "=", self.product.id)]
                )
                quants.sudo().unlink()
                self._add_stock(self.product, self.wh_a.lot_stock_id, quantity)
                Status._evaluate()
                self.assertEqual(self._status_of().status, expected)
                self.assertEqual(self._status_of().on_hand, quantity)

    def test_reserved_stock_is_out_of_stock(self):
        self._add_stock(self.product, self.wh_a.lot_stock_id, 4)
        self._delivery(self.wh_a, [(self.product, 4, None)]).action_assign()
        self.env["stock.threshold.status"]._evaluate()
        self.assertEqual(self._status_of().status, "out_of_stock")
        self.assertEqual(self._status_of().free, 0)

    def test_incoming_counts_in_forecast(self):
        self._add_stock(self.product, self.wh_a.lot_stock_id, 8)
        self._receipt(self.wh_a, [(self.product, 20, None)])
        self.env["stock.threshold.status"]._evaluate()
        status = self._status_of()
        self.assertEqual(status.forecast, 28)
        self.assertEqual(status.status, "ok")
        self.assertFalse(status.to_reorder)

    def test_days_of_cover_levels(self):
        self.company.threshold_usage_days = 10
        self._add_stock(self.product, self.wh_a.lot_stock_id, 100)
        self._validate(self._delivery(self.wh_a, [(self.product, 20, None)]))
        self.rule.write(
            {
                "threshold_type": "days",
                "safety_value": 10,
                "min_value": 50,
                "max_value": 0,
            }
        )
        status = self._status_of()
        self.assertAlmostEqual(status.daily_usage, 2.0)
        self.assertAlmostEqual(status.min_qty, 100.0)  # 50 days x 2 per day
        self.assertEqual(status.status, "below_min")  # 80 < 100
        self.assertAlmostEqual(status.days_of_cover, 40.0)

    def test_refreshed_in_transaction_when_moves_are_done(self):
        self.assertEqual(self._status_of().status, "out_of_stock")
        receipt = self._receipt(self.wh_a, [(self.product, 50, None)])
        self._validate(receipt)
        # No explicit evaluation: the done move refreshed the status.
        self.assertEqual(self._status_of().status, "ok")
        self.assertEqual(self._status_of().on_hand, 50)
        delivery = self._delivery(self.wh_a, [(self.product, 44, None)])
        self._validate(delivery)
        self.assertEqual(self._status_of().status, "below_min")  # 6: 5 <= 6 < 10
        delivery = self._delivery(self.wh_a, [(self.product, 2, None)])
        self._validate(delivery)
        self.assertEqual(self._status_of().status, "below_safety")  # 4 < 5

    def test_only_touched_pairs_refreshed(self):
        other = self._create_rule(warehouse_id=self.wh_b.id)
        status_b = self._status(self.product, self.wh_b.view_location_id)
        # A marker no evaluation would write: kept if wh_b is not refreshed.
        self.env.cr.execute(
            "UPDATE stock_threshold_status SET on_hand = -42 WHERE id = %s",
            [status_b.id],
        )
        status_b.invalidate_recordset()
        self._validate(self._receipt(self.wh_a, [(self.product, 50, None)]))
        self.assertEqual(status_b.on_hand, -42)
        self.assertEqual(status_b.rule_id, other)
        self.assertEqual(self._status_of().on_hand, 50)

    def test_unchanged_rows_are_not_written(self):
        self._add_stock(self.product, self.wh_a.lot_stock_id, 50)
        Status = self.env["stock.threshold.status"]
        products = self.product.ids
        # Demo rules for all products may govern the product elsewhere too.
        self.assertGreaterEqual(Status._evaluate(product_ids=products), 1)
        self.assertEqual(Status._evaluate(product_ids=products), 0)
        self._add_stock(self.product, self.wh_a.lot_stock_id, 1)
        self.assertEqual(Status._evaluate(product_ids=products), 1)
        self.assertEqual(self._status_of().on_hand, 51)

    def test_hook_can_be_disabled(self):
        receipt = self._receipt(self.wh_a, [(self.product, 50, None)])
        receipt = receipt.with_context(stock_threshold_skip_refresh=True)
        self._validate(receipt)
        self.assertEqual(self._status_of().status, "out_of_stock")

    def test_rule_changes_and_deletion(self):
        self.rule.write({"warehouse_id": self.wh_b.id})
        self.assertFalse(self._status_of())
        self.assertTrue(self._status(self.product, self.wh_b.view_location_id))
        self.rule.unlink()
        self.assertFalse(self._status(self.product, self.wh_b.view_location_id))

    def test_more_specific_rule_takes_over(self):
        category_rule = self._create_rule(
            product_scope="category",
            product_id=False,
            categ_id=self.categ_parent.id,
            min_value=1,
            safety_value=0,
        )
        self.assertEqual(self._status_of().rule_id, self.rule)
        self.assertEqual(self._status_of(self.product_2).rule_id, category_rule)
        self.rule.active = False
        self.assertEqual(self._status_of().rule_id, category_rule)

    def test_cron_reports_progress(self):
        self._add_stock(self.product, self.wh_a.lot_stock_id, 50)
        cron = self.env.ref("stock_threshold.ir_cron_stock_threshold_evaluate")
        cron.method_direct_trigger()
        self.assertEqual(self._status_of().status, "ok")
        progress = self.env["ir.cron.progress"].search([("cron_id", "=", cron.id)])
        self.assertTrue(progress)
        self.assertEqual(progress[-1].remaining, 0)

    @users("thr_manager")
    def test_manager_runs_evaluation(self):
        self._add_stock(self.product, self.wh_a.lot_stock_id, 50)
        action = self.env["stock.threshold.status"].action_evaluate()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(self._status_of().status, "ok")

    @users("thr_user")
    def test_user_reads_but_does_not_evaluate(self):
        self.assertEqual(self._status_of().status, "out_of_stock")
        with self.assertRaises(AccessError):
            self.env["stock.threshold.status"].action_evaluate()
        with self.assertRaises(AccessError):
            self.env["stock.threshold.rule"].create(
                {"warehouse_id": self.wh_b.id, "product_id": self.product.id}
            )

    def test_reason_and_smart_buttons(self):
        status = self._status_of()
        self.assertIn(self.rule.display_name, status.rule_reason)
        self.assertEqual(self.product.product_tmpl_id.threshold_attention_count, 1)
        self.assertEqual(self.wh_a.threshold_attention_count, 1)
        action = self.wh_a.action_view_threshold_statuses()
        self.assertEqual(
            self.env["stock.threshold.status"].search(action["domain"]), status
        )

    def test_rule_form_onchange(self):
        with Form(self.env["stock.threshold.rule"]) as form:
            form.product_scope = "category"
            form.categ_id = self.categ_child
            form.warehouse_id = self.wh_b
            form.min_value = 3
        rule = form.record
        self.assertFalse(rule.product_id)
        self.assertEqual(
            self._status(self.product, self.wh_b.view_location_id).rule_id, rule
        )

    def test_projected_stockout_within_lead_time(self):
        """A delivery due before a receipt that comes later than the lead
        time: the forecast is fine, the stock runs out first."""
        self._add_stock(self.product, self.wh_a.lot_stock_id, 20)
        self._delivery(self.wh_a, [(self.product, 25, None)]).do_unreserve()
        receipt = self._receipt(self.wh_a, [(self.product, 50, None)])
        receipt.move_ids.date = fields.Datetime.now() + timedelta(days=20)
        self.rule.lead_days = 7
        status = self._status_of()
        self.assertEqual(status.forecast, 45)
        self.assertEqual(status.status, "ok")
        self.assertTrue(status.projected_stockout)
        # The receipt comes within a longer lead time: no stock-out.
        self.rule.lead_days = 30
        self.assertFalse(self._status_of().projected_stockout)

    def test_dead_stock_after_the_rule_period(self):
        self._add_stock(self.product, self.wh_a.lot_stock_id, 40)
        self.env["stock.threshold.status"]._evaluate()
        self.assertFalse(self._status_of().dead_stock)  # not watched by default
        self.rule.dead_stock_days = 30
        self.assertTrue(self._status_of().dead_stock)  # never moved out
        delivery = self._validate(self._delivery(self.wh_a, [(self.product, 5, None)]))
        self.assertFalse(self._status_of().dead_stock)
        delivery.move_ids.date = fields.Datetime.now() - timedelta(days=31)
        self.env["stock.threshold.status"]._evaluate()
        self.assertTrue(self._status_of().dead_stock)
        delivery.move_ids.date = fields.Datetime.now() - timedelta(days=29)
        self.env["stock.threshold.status"]._evaluate()
        self.assertFalse(self._status_of().dead_stock)


@tagged("post_install", "-at_install")
class TestThresholdStatusEvaluation(ThresholdCommon):
    """The stored statuses (evaluated in numpy from grouped inputs) and the
    live positions (evaluated in SQL) are the same computation: every
    figure, level, flag and status agrees to the last bit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.threshold_usage_days = 7
        cls.company.threshold_lead_days = 4
        kg = cls.env.ref("uom.product_uom_kgm")
        cls.gram = cls.env.ref("uom.product_uom_gram")
        cls.bulk = cls._create_product(
            "Threshold Bulk", cls.categ_child, uom_id=kg.id, uom_po_id=kg.id
        )
        Rule = cls.env["stock.threshold.rule"]
        cls.days_rule = Rule.create(
            {
                "warehouse_id": cls.wh_a.id,
                "product_scope": "category",
                "categ_id": cls.categ_parent.id,
                "threshold_type": "days",
                "safety_value": 3,
                "min_value": 10,
                "max_value": 30,
                "lead_days": 5,
                "dead_stock_days": 20,
            }
        )
        cls.units_rule = Rule.create(
            {
                "warehouse_id": cls.wh_b.id,
                "product_scope": "all",
                "safety_value": 2,
                "min_value": 6.5,
                "max_value": 8,
            }
        )

    def _compare_with_live_positions(self):
        Status = self.env["stock.threshold.status"]
        Status._evaluate()
        scopes = (self.wh_a | self.wh_b).view_location_id.ids
        products = self.product | self.product_2 | self.bulk
        live = {
            row["key"]: row
            for row in self.env["stock.position"]._read_positions(
                scopes, products.ids, pairs="governed"
            )
        }
        stored = Status.search(
            [("product_id", "in", products.ids), ("location_id", "in", scopes)]
        )
        self.assertEqual(
            set(live), {(s.product_id.id, s.location_id.id) for s in stored}
        )
        self.env.cr.execute(
            """SELECT product_id, location_id, rule_id, status, on_hand::float8,
                      reserved::float8, free::float8, incoming::float8,
                      in_transit::float8, on_order::float8, outgoing::float8,
                      forecast::float8, daily_usage::float8, days_of_cover::float8,
                      min_qty::float8, safety_qty::float8, max_qty::float8,
                      projected_stockout, dead_stock, to_reorder, has_usage
                 FROM stock_threshold_status WHERE id = ANY(%s)""",
            [stored.ids],
        )
        statuses = set()
        for row in self.env.cr.dictfetchall():
            position = live[row.pop("product_id"), row.pop("location_id")]
            expected = {
                name: position[name]
                for name in (
                    "rule_id",
                    "status",
                    "on_hand",
                    "reserved",
                    "free",
                    "incoming",
                    "in_transit",
                    "on_order",
                    "outgoing",
                    "forecast",
                    "projected_stockout",
                    "dead_stock",
                )
            }
            for name, factor in (
                ("daily_usage", 1e6),
                ("days_of_cover", 1e4),
                ("min_qty", 1e4),
                ("safety_qty", 1e4),
                ("max_qty", 1e4),
            ):
                value = position[name]
                expected[name] = (
                    None if value is None else round(value * factor) / factor
                )
            expected["to_reorder"] = position["forecast"] < position["min_qty"]
            expected["has_usage"] = position["days_of_cover"] is not None
            self.assertEqual(row, expected)
            statuses.add(row["status"])
        return statuses

    def test_stored_statuses_match_live_positions(self):
        now = fields.Datetime.now()
        self._add_stock(self.bulk, self.wh_a.lot_stock_id, 12.3456)
        self._add_stock(self.bulk, self.shelf_a, 0.3333)
        self._add_stock(self.product_2, self.wh_a.lot_stock_id, 3)
        self._add_stock(self.product, self.wh_b.lot_stock_id, 9)
        # usage: 2,500 g over the window, a delivery in grams
        self._validate(self._delivery(self.wh_a, [(self.bulk, 2500, self.gram)]))
        # open moves within and beyond the lead time, in two units
        soon = self._delivery(self.wh_a, [(self.bulk, 1.5, None)])
        soon.move_ids.date = now + timedelta(days=2)
        late = self._receipt(self.wh_a, [(self.bulk, 4250, self.gram)])
        late.move_ids.date = now + timedelta(days=10)
        self._receipt(self.wh_b, [(self.product, 1, None), (self.bulk, 0.75, None)])
        self._delivery(self.wh_b, [(self.product, 4, None)]).action_assign()
        statuses = self._compare_with_live_positions()
        self.assertGreaterEqual(len(statuses), 3)
        # then stale rows go, new rows come, changed rows are rewritten
        self.units_rule.active = False
        self._add_stock(self.bulk, self.wh_a.lot_stock_id, 7.77)
        self.days_rule.lead_days = 12
        self._compare_with_live_positions()
        self.assertFalse(
            self._status(self.product, self.wh_b.view_location_id),
        )

    def test_copy_records_reads_fixed_rows_and_refuses_nulls(self):
        Position = self.env["stock.position"]
        shape = [("number", ">i4"), ("value", ">f8")]
        rows = Position._copy_records(
            SQL("SELECT n, n / 4.0::float8 FROM generate_series(1, 3) n"), shape
        )
        self.assertEqual(rows["number"].tolist(), [1, 2, 3])
        self.assertEqual(rows["value"].tolist(), [0.25, 0.5, 0.75])
        self.assertEqual(
            Position._copy_records(SQL("SELECT 1, 1.0 LIMIT 0"), shape)[
                "number"
            ].tolist(),
            [],
        )
        with self.assertRaises(ValueError):
            Position._copy_records(SQL("SELECT 1, NULL::float8"), shape)

    def test_array_literal_reads_back_as_the_values(self):
        values = np.array([0.1, 1 / 3, np.nan, -2.5e-7, 1e20])
        self.env.cr.execute("SELECT %s::float8[]", [array_literal(values)])
        read = self.env.cr.fetchone()[0]
        self.assertEqual(read[:2] + read[3:], [0.1, 1 / 3, -2.5e-7, 1e20])
        self.assertIsNone(read[2])
        cases = [
            (np.array([3, -1, 0]), "int", [3, -1, 0]),
            (np.array([True, False]), "bool", [True, False]),
            (["ok", "below_min"], "varchar", ["ok", "below_min"]),
            (np.array([], dtype=float), "float8", []),
        ]
        for values, kind, expected in cases:
            self.env.cr.execute(f"SELECT %s::{kind}[]", [array_literal(values)])
            self.assertEqual(self.env.cr.fetchone()[0], expected)
        with self.assertRaises(ValueError):
            array_literal(['a", "b'])
