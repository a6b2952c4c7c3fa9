from contextlib import closing

from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestConcurrency(TransactionCase):
    """Two runs at the same time, in two database connections, never order
    the same need twice. The fixtures are committed (each connection must
    see them) and removed afterwards."""

    def setUp(self):
        super().setUp()
        self.connection = sql_db.db_connect(self.env.cr.dbname)
        with closing(self.connection.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            vendor = env["res.partner"].create({"name": "Concurrent Vendor"})
            product = env["product.product"].create(
                {"name": "Concurrent Product", "is_storable": True}
            )
            env["product.supplierinfo"].create(
                {"partner_id": vendor.id, "product_tmpl_id": product.product_tmpl_id.id}
            )
            warehouse = env["stock.warehouse"].search(
                [("company_id", "=", env.company.id)], limit=1
            )
            rule = env["stock.threshold.rule"].create(
                {
                    "warehouse_id": warehouse.id,
                    "product_id": product.id,
                    "min_value": 10,
                    "max_value": 50,
                }
            )
            # Committed: the other connections must see the fixtures.
            cr.commit()  # pylint: disable=invalid-commit
        self.ids = (vendor.id, product.id, warehouse.id, rule.id)
        self.addCleanup(self._remove_fixtures)

    def _remove_fixtures(self):
        vendor_id, product_id, _warehouse_id, rule_id = self.ids
        with closing(self.connection.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            lines = env["purchase.order.line"].search([("product_id", "=", product_id)])
            lines.order_id.button_cancel()
            lines.order_id.unlink()
            # Without its rule, another rule (demo data's, say) may govern the
            # product: its statuses and alerts go after the rule.
            env["stock.threshold.rule"].browse(rule_id).unlink()
            for model in ("stock.threshold.alert", "stock.threshold.status"):
                env[model].search([("product_id", "=", product_id)]).unlink()
            product = env["product.product"].browse(product_id)
            template = product.product_tmpl_id
            template.seller_ids.unlink()
            product.unlink()
            template.unlink()
            env["res.partner"].browse(vendor_id).unlink()
            cr.commit()  # pylint: disable=invalid-commit

    def _run(self, cr):
        _vendor_id, product_id, warehouse_id, _rule_id = self.ids
        env = api.Environment(cr, SUPERUSER_ID, {})
        return env["stock.threshold.rule"].run_reordering([warehouse_id], [product_id])

    def _count_lines(self):
        with closing(self.connection.cursor()) as cr:
            cr.execute(
                "SELECT COUNT(*) FROM purchase_order_line WHERE product_id = %s",
                [self.ids[1]],
            )
            return cr.fetchone()[0]

    @mute_logger("odoo.sql_db")
    def test_concurrent_runs_never_duplicate(self):
        first = self.connection.cursor()
        waiting = self.connection.cursor()
        stale = self.connection.cursor()
        try:
            self.assertEqual(self._run(first)["lines_created"], 1)
            # A run overlapping the first one waits for it (here no longer
            # than a lock timeout), instead of ordering again.
            waiting.execute("SET LOCAL lock_timeout = '200ms'")
            with self.assertRaises(LockNotAvailable):
                self._run(waiting)
            waiting.rollback()
            # A run whose snapshot predates the first run's commit cannot
            # see its lines: it fails to serialise instead of ordering.
            stale.execute("SELECT 1")
            first.commit()
            with self.assertRaises(SerializationFailure):
                self._run(stale)
            stale.rollback()
        finally:
            for cr in (first, waiting, stale):
                cr.close()
        # Retried in a new transaction, the run sees the first run's lines.
        with closing(self.connection.cursor()) as retry:
            summary = self._run(retry)
            retry.commit()
        self.assertEqual((summary["lines_created"], summary["lines_updated"]), (0, 0))
        self.assertEqual(self._count_lines(), 1)
