from . import (
    test_epc,
    test_rfid_gateway,
    test_rfid_ingest,
    test_rfid_security,
    test_rfid_tags,
)
