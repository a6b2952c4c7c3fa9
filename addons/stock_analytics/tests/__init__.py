from . import (
    test_abc_xyz,
    test_aging,
    test_dead_stock,
    test_forecast,
    test_lib_classification,
    test_lib_forecast,
    test_rpc,
    test_sales_trends,
    test_schedule,
    test_security,
    test_turnover,
    test_wizard_xlsx,
)
