from . import test_epc
