from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import RfidCommon


@tagged("post_install", "-at_install")
class TestRfidSecurity(RfidCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reader.ingest_batch(cls._payload([cls.epc_product, "XYZ"]))
        cls.stock_user = cls._create_user("rfid_stock_user", "stock.group_stock_user")
        cls.stock_manager = cls._create_user(
            "rfid_stock_manager", "stock.group_stock_manager"
        )
        cls.outsider = cls._create_user("rfid_outsider", "base.group_user")
        cls.company_b = cls.env["res.company"].create({"name": "RFID Security B"})
        cls.user_b = cls._create_user(
            "rfid_user_b", "stock.group_stock_manager", company=cls.company_b
        )

    @classmethod
    def _create_user(cls, login, group, company=None):
        company = company or cls.company
        return cls.env["res.users"].create(
            {
                "name": login,
                "login": login,
                "company_id": company.id,
                "company_ids": [(6, 0, company.ids)],
                "groups_id": [(6, 0, [cls.env.ref(group).id])],
            }
        )

    def test_inventory_groups_imply_rfid_groups(self):
        self.assertTrue(self.stock_user.has_group("stock_rfid.group_rfid_user"))
        self.assertFalse(self.stock_user.has_group("stock_rfid.group_rfid_manager"))
        self.assertTrue(self.stock_manager.has_group("stock_rfid.group_rfid_manager"))
        self.assertFalse(self.outsider.has_group("stock_rfid.group_rfid_user"))

    def test_keys_only_for_managers(self):
        reader = self.reader.with_user(self.stock_user)
        self.assertEqual(reader.read(["name"])[0]["name"], "Dock door")
        with self.assertRaises(AccessError):
            reader.read(["api_key_prefix"])
        with self.assertRaises(AccessError):
            reader.read(["api_key_hash"])
        with self.assertRaises(AccessError):
            reader.action_generate_api_key()
        with self.assertRaises(AccessError):
            reader.write({"identifier": "hijacked"})
        manager_reader = self.reader.with_user(self.stock_manager)
        self.assertEqual(
            manager_reader.read(["api_key_prefix"])[0]["api_key_prefix"],
            self.api_key[:8],
        )
        action = manager_reader.action_generate_api_key()
        self.assertTrue(action["context"]["default_key"])

    def test_company_b_sees_nothing_of_company_a(self):
        env_b = self.env(user=self.user_b)
        for model in (
            "stock.rfid.reader",
            "stock.rfid.antenna",
            "stock.rfid.tag",
            "stock.rfid.read",
            "stock.rfid.read.batch",
            "stock.rfid.read.exception",
        ):
            self.assertTrue(self.env[model].search_count([]), model)
            self.assertFalse(env_b[model].search([]), model)
        with self.assertRaises(AccessError):
            env_b["stock.rfid.reader"].browse(self.reader.id).read(["name"])

    def test_ingest_needs_rfid_rights(self):
        payload = self._payload([self.epc_unknown])  # epc_product read already
        with self.assertRaises(AccessError):
            self.reader.with_user(self.outsider).ingest_batch(payload)
        with self.assertRaises(AccessError):
            self.reader.with_user(self.user_b).ingest_batch(payload)
        response = self.reader.with_user(self.stock_user).ingest_batch(payload)
        self.assertEqual(response["accepted"], 1)
