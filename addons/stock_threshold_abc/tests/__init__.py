from . import test_abc_scope
