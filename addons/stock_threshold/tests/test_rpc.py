import xmlrpc.client

from odoo.tests import HttpCase, tagged

from .common import JsonRpcMixin, ThresholdCommon


@tagged("post_install", "-at_install")
class TestPositionRpc(HttpCase, JsonRpcMixin, ThresholdCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._add_stock(cls.product, cls.wh_a.lot_stock_id, 42)
        cls.rule = cls._create_rule()

    def test_xmlrpc_keyword_arguments(self):
        common = xmlrpc.client.ServerProxy(f"{self.base_url()}/xmlrpc/2/common")
        uid = common.authenticate(self.env.cr.dbname, "admin", "admin", {})
        models = xmlrpc.client.ServerProxy(
            f"{self.base_url()}/xmlrpc/2/object", allow_none=True
        )
        rows = models.execute_kw(
            self.env.cr.dbname,
            uid,
            "admin",
            "stock.position",
            "get_positions",
            [],
            {"product_ids": self.product.ids, "warehouse_ids": self.wh_a.ids},
        )
        self.assertEqual(len(rows), 1)
        row = rows[0]
        self.assertEqual(row["warehouse_id"], self.wh_a.id)
        self.assertEqual(row["on_hand"], 42)
        self.assertEqual(row["rule_id"], self.rule.id)
        self.assertEqual(row["min_qty"], self.rule.min_value)
        self.assertEqual(row["status"], "ok")
        self.assertIs(row["days_of_cover"], False)  # no usage

    def test_jsonrpc(self):
        answer = self._jsonrpc_execute_kw(
            2,
            "admin",
            "stock.position",
            "get_positions",
            [],
            {
                "location_ids": self.wh_a.lot_stock_id.ids,
                "product_ids": self.product.ids,
            },
        )
        result = answer["result"]
        self.assertEqual(result[0]["location_id"], self.wh_a.lot_stock_id.id)
        self.assertEqual(result[0]["on_hand"], 42)
