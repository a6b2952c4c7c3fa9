from contextlib import closing

from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestConcurrency(TransactionCase):
    """Two runs at the same time, in two database connections, never order
    the same need twice nor open two RFQs for one vendor and warehouse. The
    fixtures are committed (each connection must see them) and removed
    afterwards: three products with a rule each in one warehouse, the first
    two bought from one vendor, the third from another."""

    def setUp(self):
        super().setUp()
        self.connection = sql_db.db_connect(self.env.cr.dbname)
        with closing(self.connection.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            vendors = env["res.partner"].create(
                [{"name": "Concurrent Vendor"}, {"name": "Concurrent Vendor 2"}]
            )
            products = env["product.product"].create(
                [
                    {"name": f"Concurrent Product {index}", "is_storable": True}
                    for index in range(3)
                ]
            )
            env["product.supplierinfo"].create(
                [
                    {
                        "partner_id": vendor.id,
                        "product_tmpl_id": product.product_tmpl_id.id,
                    }
                    for product, vendor in zip(
                        products, [vendors[0], vendors[0], vendors[1]], strict=True
                    )
                ]
            )
            warehouse = env["stock.warehouse"].search(
                [("company_id", "=", env.company.id)], limit=1
            )
            rules = env["stock.threshold.rule"].create(
                [
                    {
                        "warehouse_id": warehouse.id,
                        "product_id": product.id,
                        "min_value": 10,
                        "max_value": 50,
                    }
                    for product in products
                ]
            )
            # Committed: the other connections must see the fixtures.
            cr.commit()  # pylint: disable=invalid-commit
        self.vendor_ids, self.product_ids = vendors.ids, products.ids
        self.warehouse_id, self.rule_ids = warehouse.id, rules.ids
        self.addCleanup(self._remove_fixtures)

    def _remove_fixtures(self):
        with closing(self.connection.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            lines = env["purchase.order.line"].search(
                [("product_id", "in", self.product_ids)]
            )
            lines.order_id.button_cancel()
            lines.order_id.unlink()
            # Without its rule, another rule (demo data's, say) may govern the
            # products: their statuses and alerts go after the rules.
            env["stock.threshold.rule"].browse(self.rule_ids).unlink()
            for model in ("stock.threshold.alert", "stock.threshold.status"):
                env[model].search([("product_id", "in", self.product_ids)]).unlink()
            products = env["product.product"].browse(self.product_ids)
            templates = products.product_tmpl_id
            templates.seller_ids.unlink()
            products.unlink()
            templates.unlink()
            env["res.partner"].browse(self.vendor_ids).unlink()
            cr.commit()  # pylint: disable=invalid-commit

    def _run(self, cr, index=0):
        env = api.Environment(cr, SUPERUSER_ID, {})
        return env["stock.threshold.rule"].run_reordering(
            [self.warehouse_id], [self.product_ids[index]]
        )

    def _read_lines(self):
        """``[(product_id, order_id)]`` of the fixtures' RFQ lines."""
        with closing(self.connection.cursor()) as cr:
            cr.execute(
                "SELECT product_id, order_id FROM purchase_order_line "
                "WHERE product_id = ANY(%s) ORDER BY product_id",
                [self.product_ids],
            )
            return cr.fetchall()

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
        self.assertEqual(len(self._read_lines()), 1)

    @mute_logger("odoo.sql_db")
    def test_concurrent_runs_share_the_vendor_rfq(self):
        """Runs for other products and rules of the same vendor and
        warehouse (the cron and a user, say) do not open a second RFQ."""
        first = self.connection.cursor()
        waiting = self.connection.cursor()
        stale = self.connection.cursor()
        other_vendor = self.connection.cursor()
        try:
            self.assertEqual(self._run(first, 0)["lines_created"], 1)
            waiting.execute("SET LOCAL lock_timeout = '200ms'")
            with self.assertRaises(LockNotAvailable):
                self._run(waiting, 1)
            waiting.rollback()
            # Another vendor's RFQ is not held up by the first run.
            other_vendor.execute("SET LOCAL lock_timeout = '200ms'")
            self.assertEqual(self._run(other_vendor, 2)["lines_created"], 1)
            other_vendor.commit()
            stale.execute("SELECT 1")
            first.commit()
            with self.assertRaises(SerializationFailure):
                self._run(stale, 1)
            stale.rollback()
        finally:
            for cr in (first, waiting, stale, other_vendor):
                cr.close()
        with closing(self.connection.cursor()) as retry:
            summary = self._run(retry, 1)
            retry.commit()
        self.assertEqual(summary["lines_created"], 1)
        (_p0, order_0), (_p1, order_1), (_p2, order_2) = self._read_lines()
        self.assertEqual(order_1, order_0)
        self.assertNotEqual(order_2, order_0)
