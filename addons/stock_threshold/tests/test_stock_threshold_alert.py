from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ThresholdCommon


@tagged("post_install", "-at_install")
class TestThresholdAlert(ThresholdCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = cls.env["res.users"].create(
            {
                "name": "Threshold Buyer",
                "login": "thr_buyer",
                "groups_id": [(6, 0, [cls.env.ref("stock.group_stock_user").id])],
            }
        )
        cls.rule = cls._create_rule(user_id=cls.buyer.id, severity="low")
        cls.Alert = cls.env["stock.threshold.alert"]

    def _alerts(self, product=None, **domain):
        return self.Alert.search(
            [
                ("product_id", "=", (product or self.product).id),
                ("location_id", "=", self.wh_a.view_location_id.id),
                *[(key, "=", value) for key, value in domain.items()],
            ]
        )

    def _set_stock(self, quantity):
        quants = self.env["stock.quant"].search([("product_id", "=", self.product.id)])
        quants.sudo().unlink()
        self._add_stock(self.product, self.wh_a.lot_stock_id, quantity)
        self.env["stock.threshold.status"]._evaluate(product_ids=self.product.ids)

    def test_opened_with_activity_for_the_responsible(self):
        alert = self._alerts()
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.kind, "out_of_stock")
        self.assertEqual(alert.state, "open")
        self.assertEqual(alert.severity, "high")  # low + 2 steps
        self.assertEqual(alert.user_id, self.buyer)
        self.assertEqual(alert.rule_id, self.rule)
        self.assertEqual(alert.activity_ids.user_id, self.buyer)
        self.assertEqual(
            alert.activity_ids.activity_type_id,
            self.env.ref("stock_threshold.mail_activity_type_stock_alert"),
        )

    def test_no_duplicates(self):
        Status = self.env["stock.threshold.status"]
        for _run in range(2):
            # force a rewrite that syncs the alerts
            Status.sudo().search([]).write({"on_hand": -1, "status": "ok"})
            Status._evaluate(product_ids=self.product.ids)
        self.assertEqual(len(self._alerts()), 1)

    def test_resolved_in_the_moving_transaction(self):
        alert = self._alerts()
        self._validate(self._receipt(self.wh_a, [(self.product, 50, None)]))
        self.assertEqual(alert.state, "resolved")
        self.assertTrue(alert.resolved_at)
        self.assertFalse(alert.activity_ids)
        self.assertIn("back within its levels", alert.message_ids[0].body)
        # said once: by the closed activity, not again as a note
        said = alert.message_ids.filtered(lambda m: "back within its levels" in m.body)
        self.assertEqual(len(said), 1)
        done = self.env["mail.message"].search(
            [("model", "=", alert._name), ("res_id", "=", alert.id)]
        )
        self.assertTrue(done.filtered("mail_activity_type_id"))

    def test_resolution_marks_every_activity_done(self):
        """The alert's own activity is closed in batch, the others (a second
        one, one of a type kept when done) as Odoo does: all with the
        reason as feedback in a *done* message."""
        alert = self._alerts()
        keep_type = self.env["mail.activity.type"].create(
            {"name": "Threshold Kept", "keep_done": True}
        )
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        for activity_type in todo_type | keep_type:
            alert.activity_schedule(
                activity_type_id=activity_type.id, user_id=self.buyer.id
            )
        self.assertEqual(len(alert.activity_ids), 3)
        self._validate(self._receipt(self.wh_a, [(self.product, 50, None)]))
        self.assertEqual(alert.state, "resolved")
        self.assertFalse(alert.activity_ids)
        kept = alert.with_context(active_test=False).activity_ids
        self.assertEqual(kept.activity_type_id, keep_type)
        self.assertFalse(kept.active)
        done = alert.message_ids.filtered("mail_activity_type_id")
        self.assertEqual(
            done.mail_activity_type_id,
            todo_type
            | keep_type
            | self.env.ref("stock_threshold.mail_activity_type_stock_alert"),
        )
        self.assertEqual(done.subtype_id, self.env.ref("mail.mt_activities"))
        for message in done:
            self.assertIn("back within its levels", message.body)
            self.assertIn(
                f"{message.mail_activity_type_id.name}</span> done", message.body
            )
        self.assertEqual(
            len(alert.message_ids.filtered(lambda m: "back within" in m.body)), 3
        )

    def test_resolution_cost_does_not_grow_with_alerts(self):
        """Resolving alerts and closing their activities takes as many
        queries for three alerts as for one."""
        products = self.env["product.product"].union(
            *(self._create_product(f"Resolved {i}", self.categ_child) for i in range(5))
        )
        for product in products:
            self._create_rule(product_id=product.id, user_id=self.buyer.id)
        alerts = self.Alert.search([("product_id", "in", products.ids)])
        self.assertEqual(len(alerts.activity_ids), 5)

        def count_queries(alerts):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            alerts._resolve("Resolved by the test.")
            self.env.flush_all()
            return self.cr.sql_log_count - before

        count_queries(alerts[0])  # warm the caches up
        self.assertEqual(count_queries(alerts[1]), count_queries(alerts[2:]))
        self.assertFalse(alerts.activity_ids)

    def test_escalation_and_de_escalation(self):
        self._set_stock(8)
        alert = self._alerts(state="open")
        self.assertEqual((alert.kind, alert.severity), ("below_min", "low"))
        alert.action_acknowledge()
        self._validate(self._delivery(self.wh_a, [(self.product, 4, None)]))
        self.assertEqual(len(self._alerts(state="open")), 1)
        self.assertEqual(alert.kind, "below_safety")
        self.assertEqual(alert.severity, "medium")
        self.assertEqual(alert.state, "open")  # escalation re-opens
        self.assertIn("Escalated", alert.message_ids[0].body)
        alert.action_acknowledge()
        self._set_stock(7)
        self.assertEqual(alert.kind, "below_min")
        self.assertEqual(alert.state, "acknowledged")
        self.assertIn("De-escalated", alert.message_ids[0].body)

    def test_overstock_is_its_own_alert(self):
        self._set_stock(150)
        self.assertEqual(self._alerts(state="resolved").kind, "out_of_stock")
        self.assertEqual(self._alerts(state="open").kind, "overstock")

    def test_projected_stockout_escalates_the_shortage(self):
        self._set_stock(8)
        alert = self._alerts(state="open")
        self.assertEqual(alert.kind, "below_min")
        # 10 to deliver today, 60 arriving after the 7 days of lead time
        self._delivery(self.wh_a, [(self.product, 10, None)]).do_unreserve()
        receipt = self._receipt(self.wh_a, [(self.product, 60, None)])
        receipt.move_ids.date = fields.Datetime.now() + timedelta(days=20)
        self.rule.lead_days = 7
        self.assertEqual(alert.kind, "projected_stockout")
        self.assertEqual(alert.severity, "high")  # low + 2 steps
        self.assertIn("Escalated", alert.message_ids[0].body)
        # The receipt is brought forward: the forecast is fine again.
        receipt.move_ids.date = fields.Datetime.now() + timedelta(days=2)
        self.env["stock.threshold.status"]._evaluate(product_ids=self.product.ids)
        self.assertEqual(alert.state, "resolved")

    def test_dead_stock_is_its_own_alert(self):
        self._set_stock(50)
        self.rule.dead_stock_days = 60
        alert = self._alerts(state="open")
        self.assertEqual(alert.kind, "dead_stock")
        self._validate(self._delivery(self.wh_a, [(self.product, 5, None)]))
        self.assertEqual(alert.state, "resolved")

    def test_cron_opens_missing_alerts(self):
        """A status without its alert (stored before alerts existed, or the
        alert deleted) gets one from the scheduled evaluation."""
        self._alerts().sudo().unlink()
        Status = self.env["stock.threshold.status"]
        Status._evaluate()
        self.assertFalse(self._alerts())  # nothing changed, nothing synced
        Status._cron_evaluate()
        self.assertEqual(self._alerts(state="open").kind, "out_of_stock")

    def test_only_status_changes_sync_the_alerts(self):
        """A done move that changes the figures of a status but not its
        code nor its flags leaves the alerts alone (a missing alert is the
        cron's); one that changes the status syncs them."""
        self._validate(self._receipt(self.wh_a, [(self.product, 7, None)]))
        self.assertEqual(self._alerts(state="open").kind, "below_min")
        self._alerts().sudo().unlink()
        self._validate(self._receipt(self.wh_a, [(self.product, 1, None)]))
        status = self._status(self.product, self.wh_a.view_location_id)
        self.assertEqual((status.on_hand, status.status), (8, "below_min"))
        self.assertFalse(self._alerts())
        self._validate(self._delivery(self.wh_a, [(self.product, 4, None)]))
        self.assertEqual(self._alerts(state="open").kind, "below_safety")

    def test_cron_opens_missing_alert_of_each_family(self):
        """Overstock and dead stock are two alerts: the one deleted comes
        back while the other stays open."""
        self._set_stock(150)
        self.rule.dead_stock_days = 30
        open_alerts = self._alerts(state="open")
        self.assertEqual(set(open_alerts.mapped("kind")), {"overstock", "dead_stock"})
        open_alerts.filtered(lambda a: a.kind == "dead_stock").sudo().unlink()
        self.env["stock.threshold.status"]._cron_evaluate()
        self.assertEqual(
            set(self._alerts(state="open").mapped("kind")), {"overstock", "dead_stock"}
        )

    def test_responsible_of_the_alert_company(self):
        """The product's responsible is read in the alert's company, whatever
        the company the job runs in."""
        company_b = self.env["res.company"].create({"name": "Threshold Co B"})
        wh_other = self.env["stock.warehouse"].search(
            [("company_id", "=", company_b.id)], limit=1
        )
        keeper_b = self.buyer.copy({"login": "thr_keeper_b", "name": "Keeper B"})
        keeper_b.company_ids |= company_b
        self.product.with_company(company_b).responsible_id = keeper_b
        self.env["stock.threshold.rule"].with_company(company_b).create(
            {
                "company_id": company_b.id,
                "scope_type": "warehouse",
                "warehouse_id": wh_other.id,
                "product_scope": "product",
                "product_id": self.product.id,
                "min_value": 10,
            }
        )
        alert = self.Alert.search([("location_id", "=", wh_other.view_location_id.id)])
        self.assertEqual(alert.user_id, keeper_b)
        alert.sudo().unlink()
        self.env["stock.threshold.status"].with_company(self.company)._cron_evaluate()
        alert = self.Alert.search([("location_id", "=", wh_other.view_location_id.id)])
        self.assertEqual(alert.user_id, keeper_b)

    def test_location_scope_in_the_name(self):
        self._create_rule(
            scope_type="location",
            warehouse_id=False,
            location_id=self.shelf_a.id,
            product_id=self.product_2.id,
        )
        alert = self.Alert.search(
            [
                ("product_id", "=", self.product_2.id),
                ("location_id", "=", self.shelf_a.id),
            ]
        )
        self.assertIn(self.shelf_a.complete_name, alert.display_name)
        self.assertIn(f"@ {self.wh_a.name}", self._alerts().display_name)

    def test_rule_removed_resolves(self):
        alert = self._alerts()
        self.rule.unlink()
        self.assertEqual(alert.state, "resolved")
        self.assertIn("No rule governs", alert.message_ids[0].body)

    def test_snooze_and_wake_up(self):
        alert = self._alerts()
        with self.assertRaises(UserError):
            alert.action_snooze(fields.Datetime.now() - timedelta(hours=1))
        wizard = self.env["stock.threshold.alert.snooze"].create(
            {"alert_ids": alert.ids}
        )
        wizard.action_snooze()
        self.assertEqual(alert.state, "snoozed")
        self.Alert._cron_wake_snoozed()
        self.assertEqual(alert.state, "snoozed")
        with freeze_time(fields.Datetime.now() + timedelta(days=2)):
            woken = self.Alert._cron_wake_snoozed()
        self.assertEqual(woken, alert)
        self.assertEqual(alert.state, "open")
        self.env.cr.precommit.run()  # bus notices are written before commit
        notices = (
            self.env["bus.bus"]
            .sudo()
            .search([("message", "like", f'"id":{alert.id},"title"')])
        )
        self.assertIn("back from snooze", notices[-1:].message)

    def test_snoozed_alert_resolves_when_stock_recovers(self):
        alert = self._alerts()
        alert.action_snooze()
        self._set_stock(50)
        self.assertEqual(alert.state, "resolved")
        self.assertFalse(alert.snoozed_until)

    def test_live_notice_on_the_bus(self):
        self._create_rule(product_id=self.product_2.id, user_id=self.buyer.id)
        alert = self._alerts(self.product_2)
        self.env.cr.precommit.run()  # bus notices are written before commit
        notices = (
            self.env["bus.bus"]
            .sudo()
            .search([("message", "like", f'"id":{alert.id},"title"')])
        )
        self.assertEqual(len(notices), 1, notices.mapped("message"))
        self.assertIn('"type":"stock_threshold_alert"', notices.message)
        self.assertIn(f'"res.partner",{self.buyer.partner_id.id}]', notices.channel)
        self.assertIn("Out of stock: Threshold Other", notices.message)
