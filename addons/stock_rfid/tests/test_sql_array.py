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
