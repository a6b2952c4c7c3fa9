from . import (
    res_company,
    res_config_settings,
    stock_rfid_antenna,
    stock_rfid_read,
    stock_rfid_read_batch,
    stock_rfid_read_exception,
    stock_rfid_reader,
    stock_rfid_tag,
)
