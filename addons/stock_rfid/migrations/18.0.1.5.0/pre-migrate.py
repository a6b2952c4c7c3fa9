def migrate(cr, version):
    """Reads take their reader from their batch, now required (a related
    field, no column): the reads of a deleted batch, if any, get a batch of
    their own per reader, then the reader column goes, with its foreign key
    and index, which Odoo keeps otherwise and the gateway would still fill
    and check on every row."""
    cr.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = "
        "'stock_rfid_read' AND column_name = 'reader_id'"
    )
    if not cr.fetchone():
        return
    cr.execute(
        """
        WITH orphans AS (
            SELECT reader_id, count(*) AS reads, min(first_seen) AS sent_at
              FROM stock_rfid_read
             WHERE batch_id IS NULL
          GROUP BY reader_id
        ), batches AS (
            INSERT INTO stock_rfid_read_batch
                   (batch_id, reader_id, company_id, sent_at, read_count,
                    accepted_count, duplicate_count, invalid_count,
                    create_date, write_date)
            SELECT gen_random_uuid()::varchar, o.reader_id, r.company_id,
                   o.sent_at, o.reads, o.reads, 0, 0,
                   NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
              FROM orphans o
              JOIN stock_rfid_reader r ON r.id = o.reader_id
         RETURNING id, reader_id
        )
        UPDATE stock_rfid_read r
           SET batch_id = b.id
          FROM batches b
         WHERE r.batch_id IS NULL AND r.reader_id = b.reader_id
        """
    )
    cr.execute("ALTER TABLE stock_rfid_read DROP COLUMN reader_id")
