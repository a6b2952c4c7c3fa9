from odoo.tools import SQL


def migrate(cr, version):
    """Reads and read exceptions lost their access log (_log_access = False)
    and the EPC of tags its own index (the unique constraint's serves): drop
    what Odoo keeps of them, which the gateway would still maintain."""
    for table in ("stock_rfid_read", "stock_rfid_read_exception"):
        cr.execute(
            SQL(
                "ALTER TABLE %s DROP COLUMN IF EXISTS create_uid,"
                " DROP COLUMN IF EXISTS write_uid,"
                " DROP COLUMN IF EXISTS create_date,"
                " DROP COLUMN IF EXISTS write_date",
                SQL.identifier(table),
            )
        )
    cr.execute("DROP INDEX IF EXISTS stock_rfid_tag__epc_index")
