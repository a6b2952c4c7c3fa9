from decimal import Decimal

from ..models.stock_move_line import LAST_OUT_INDEX
from .common import AnalyticsCommon


class TestDeadStock(AnalyticsCommon):
    """Standard product (cost 4): 10 received 200 days ago, 3 delivered 100
    days ago. FIFO product: 5 @ 2 received 10 days ago, never delivered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._receive(cls.product_std, cls.wh_1, 10, 200, 4.0)
        cls.out = cls._deliver(cls.product_std, cls.wh_1, 3, 100)
        cls._receive(cls.product, cls.wh_2, 5, 10, 2.0)
        cls.scope = {"warehouse_ids": (cls.wh_1 | cls.wh_2).ids}

    def test_dead_after_days(self):
        (row,) = self.analytics.get_dead_stock(days=90, **self.scope)
        self.assertEqual(row["product_id"], self.product_std.id)
        self.assertEqual(row["location_id"], self.wh_1.lot_stock_id.id)
        self.assertEqual(row["warehouse_id"], self.wh_1.id)
        self.assertEqual(row["quantity"], 7)
        self.assertAlmostEqual(row["value"], 28.0)
        self.assertEqual(row["idle_days"], 100)
        self.assertEqual(row["last_outgoing_date"], self.out.date)

    def test_never_delivered_counts_from_arrival(self):
        rows = self.analytics.get_dead_stock(days=10, **self.scope)
        by_product = {r["product_id"]: r for r in rows}
        self.assertEqual(set(by_product), {self.product_std.id, self.product.id})
        fifo = by_product[self.product.id]
        self.assertEqual((fifo["idle_days"], fifo["last_outgoing_date"]), (10, False))
        self.assertAlmostEqual(fifo["value"], 10.0)
        self.assertFalse(self.analytics.get_dead_stock(days=101, **self.scope))

    def test_idle_from_the_last_move_out_of_each_location(self):
        """A move to a sub-location leaves the stock location (idle from
        then); arrivals do not reset its idle time; the sub-location, which
        nothing left, is idle since its stock came in (Odoo's quants keep
        the in date of the stock moved: 200 days)."""
        stock, shelf = self.wh_1.lot_stock_id, self.shelf_1
        out = self._move(self.product_std, stock, shelf, 2, 50)
        self._receive(self.product_std, self.wh_1, 4, 20, 4.0)
        rows = self.analytics.get_dead_stock(
            days=0, product_ids=self.product_std.ids, **self.scope
        )
        by_location = {r["location_id"]: r for r in rows}
        self.assertEqual(set(by_location), {stock.id, shelf.id})
        self.assertEqual(by_location[stock.id]["quantity"], 9)
        self.assertEqual(by_location[stock.id]["last_outgoing_date"], out.date)
        self.assertEqual(by_location[stock.id]["idle_days"], 50)
        self.assertEqual(by_location[shelf.id]["quantity"], 2)
        self.assertFalse(by_location[shelf.id]["last_outgoing_date"])
        self.assertEqual(by_location[shelf.id]["idle_days"], 200)

    def test_last_out_index(self):
        """The last move out of a location is read from the addon's partial
        index of done lines that left their location."""
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'stock_move_line'"
            " AND indexname = %s",
            [LAST_OUT_INDEX],
        )
        (definition,) = self.env.cr.fetchone()
        self.assertIn("(product_id, location_id, date)", definition)
        self.assertIn("location_dest_id <> location_id", definition)

    def test_unit_costs_as_array_literal(self):
        """The unit costs reach the report query as an array literal that
        PostgreSQL reads back: integers, decimals in any notation, floats
        and undefined costs (layers of no quantity)."""
        values = [3, Decimal("2.5"), None, Decimal("1E+2"), 0.125, Decimal("-0.001")]
        literal = self.analytics._get_number_array(values)
        self.env.cr.execute("SELECT %s::numeric[]", [literal])
        # Odoo reads numeric columns as floats
        self.assertEqual(
            self.env.cr.fetchone()[0], [3.0, 2.5, None, 100.0, 0.125, -0.001]
        )
        self.assertEqual(self.analytics._get_number_array([]), "{}")
