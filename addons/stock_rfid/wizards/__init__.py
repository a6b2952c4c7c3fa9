from . import stock_rfid_reader_key_show
