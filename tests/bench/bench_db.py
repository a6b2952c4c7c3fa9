"""Helpers shared by the benchmark scripts (imported from their folder)."""

import psycopg2

import odoo


def vacuum(db, tables):
    """VACUUM ANALYZE ``tables`` of ``db``, outside a transaction (VACUUM
    cannot run in one), on a connection of its own."""
    _name, info = odoo.sql_db.connection_info_for(db)
    connection = psycopg2.connect(**info)
    try:
        connection.autocommit = True
        with connection.cursor() as cr:
            cr.execute(f"VACUUM ANALYZE {', '.join(tables)}")
    finally:
        connection.close()
