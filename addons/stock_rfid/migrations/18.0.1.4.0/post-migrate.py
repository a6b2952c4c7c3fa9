def migrate(cr, version):
    """Reads take their company from their tag (a related field, no column)
    and the GTIN of tags lost its index (ilike searches cannot use it): drop
    the column, with its foreign key and index, and the index, which Odoo
    keeps otherwise and the gateway would still maintain on every row."""
    cr.execute("ALTER TABLE stock_rfid_read DROP COLUMN IF EXISTS company_id")
    cr.execute("DROP INDEX IF EXISTS stock_rfid_tag__gtin_index")
