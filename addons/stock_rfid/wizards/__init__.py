from . import stock_rfid_commission, stock_rfid_reader_key_show
