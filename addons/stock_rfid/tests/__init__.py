from . import (
    test_epc,
    test_rfid_adapters,
    test_rfid_commission,
    test_rfid_concurrency,
    test_rfid_count,
    test_rfid_gateway,
    test_rfid_ingest,
    test_rfid_js,
    test_rfid_nomenclature,
    test_rfid_portal,
    test_rfid_security,
    test_rfid_tags,
)
