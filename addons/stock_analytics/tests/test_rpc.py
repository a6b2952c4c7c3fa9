import json
import xmlrpc.client
from datetime import timedelta

from odoo.tests import HttpCase, tagged

from .common import AgingCommon


@tagged("post_install", "-at_install")
class TestAnalyticsRpc(HttpCase, AgingCommon):
    """The reports are read over XML-RPC and JSON-RPC with keyword filters."""

    def _xmlrpc(self, method, **kwargs):
        common = xmlrpc.client.ServerProxy(f"{self.base_url()}/xmlrpc/2/common")
        uid = common.authenticate(self.env.cr.dbname, "admin", "admin", {})
        models = xmlrpc.client.ServerProxy(f"{self.base_url()}/xmlrpc/2/object")
        return models.execute_kw(
            self.env.cr.dbname, uid, "admin", "stock.analytics", method, [], kwargs
        )

    def test_xmlrpc_aging_and_forecast(self):
        (row,) = self._xmlrpc(
            "get_aging",
            warehouse_ids=self.wh_2.ids,
            product_ids=self.product.ids,
            at_date=str(self.today),
        )
        self.assertEqual((row["warehouse_id"], row["quantity"]), (self.wh_2.id, 3))
        self.assertEqual(row["buckets"][0]["value"], 21)
        self.assertIs(row["buckets"][-1]["max_days"], False)
        # 40 days on, the delivery of 20 days ago is in a complete month
        later = self.today + timedelta(days=40)
        (forecast,) = self._xmlrpc(
            "get_forecast",
            warehouse_ids=self.wh_1.ids,
            product_ids=self.product.ids,
            at_date=str(later),
        )
        self.assertEqual(
            forecast["forecast"][0]["period_start"], str(later.replace(day=1))
        )
        self.assertEqual(forecast["history"][-2:].count(12), 1)

    def test_jsonrpc_dead_stock(self):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    self.env.cr.dbname,
                    2,
                    "admin",
                    "stock.analytics",
                    "get_dead_stock",
                    [],
                    {"days": 0, "warehouse_ids": self.wh_2.ids},
                ],
            },
        }
        response = self.url_open(
            "/jsonrpc",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        (row,) = response.json()["result"]
        self.assertEqual((row["product_id"], row["quantity"]), (self.product.id, 3))
        self.assertIs(row["last_outgoing_date"], False)
