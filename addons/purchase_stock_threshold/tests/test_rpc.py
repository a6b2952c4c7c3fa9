import xmlrpc.client

from odoo.tests import HttpCase, tagged

from .common import ReorderCommon


@tagged("post_install", "-at_install")
class TestReorderingRpc(HttpCase, ReorderCommon):
    """Both public methods over XML-RPC with keyword arguments, through a
    client that refuses None."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls._create_rule()

    def _call(self, method, **kwargs):
        common = xmlrpc.client.ServerProxy(f"{self.base_url()}/xmlrpc/2/common")
        uid = common.authenticate(self.env.cr.dbname, "admin", "admin", {})
        models = xmlrpc.client.ServerProxy(f"{self.base_url()}/xmlrpc/2/object")
        return models.execute_kw(
            self.env.cr.dbname, uid, "admin", "stock.threshold.rule", method, [], kwargs
        )

    def test_proposals_then_run(self):
        proposals = self._call(
            "get_reorder_proposals",
            warehouse_ids=self.wh_a.ids,
            product_ids=self.product.ids,
        )
        self.assertEqual(len(proposals), 1)
        self.assertEqual(proposals[0]["vendor_id"], self.vendor.id)
        self.assertEqual(proposals[0]["quantity"], 100)
        self.assertIs(proposals[0]["source_warehouse_id"], False)
        summary = self._call("run_reordering", warehouse_ids=self.wh_a.ids)
        self.assertEqual(summary["lines_created"], 1)
        order = self.PurchaseOrder.browse(summary["purchase_order_ids"])
        self.assertEqual(order.order_line.threshold_rule_id, self.rule)
