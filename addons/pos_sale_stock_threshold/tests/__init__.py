from . import test_pos_settlement
