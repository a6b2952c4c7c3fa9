from datetime import datetime

from odoo.tests import TransactionCase
from odoo.tools import SQL

from odoo.addons.stock_rfid.lib.sql_array import literal


class TestSqlArray(TransactionCase):
    def _round_trip(self, values, sql_type):
        query = SQL("SELECT %s::%s[]", literal(values), SQL(sql_type))
        return self.env.execute_query(query)[0][0]

    def test_literal_round_trips(self):
        texts = ['a"b', "c\\d", "e,f", "{g}", "NULL", "", " h ", "é", None]
        self.assertEqual(self._round_trip(texts, "varchar"), texts)
        self.assertEqual(self._round_trip([1, None, -3], "int"), [1, None, -3])
        self.assertEqual(self._round_trip([-48.5, None], "float8"), [-48.5, None])
        self.assertEqual(self._round_trip([True, False], "bool"), [True, False])
        moment = datetime(2025, 3, 1, 10, 0, 30)
        self.assertEqual(self._round_trip([moment, None], "timestamp"), [moment, None])
        self.assertEqual(self._round_trip([], "int"), [])

    def test_columns_of_one_type_round_trip(self):
        """A batch's columns, of one type, are joined at once."""
        moments = [datetime(2025, 3, 1, 10, 0, 30), datetime(2025, 3, 1, 10, 0, 0, 5)]
        self.assertEqual(self._round_trip(moments, "timestamp"), moments)
        self.assertEqual(self._round_trip([1, 2, -3], "int"), [1, 2, -3])
        self.assertEqual(self._round_trip([None, None], "int"), [None, None])
        self.assertEqual(self._round_trip([2, -48.5], "float8"), [2, -48.5])
        texts = ["urn:epc:id:sgtin:0614141.812345.6789", "NULL", "", "a,b", "{c}"]
        self.assertEqual(self._round_trip(texts, "varchar"), texts)
        for escaped in (['a"b', "c"], ["c\\d", "e"]):
            self.assertEqual(self._round_trip(escaped, "varchar"), escaped)
        self.assertEqual(literal(iter([1, None])), "{1,NULL}")

    def test_repeated_datetimes_round_trip(self):
        """The times of a batch repeat (kept to the second): each is written
        once, in place, whatever their order."""
        first, second = datetime(2025, 3, 1, 10, 0, 30), datetime(2025, 3, 1, 10, 1)
        moments = [first, second, first, first, second, first]
        self.assertEqual(self._round_trip(moments, "timestamp"), moments)
        self.assertEqual(
            literal(moments[:3]),
            '{"2025-03-01 10:00:30","2025-03-01 10:01:00","2025-03-01 10:00:30"}',
        )
