from . import (
    test_budget_and_days,
    test_concurrency,
    test_orders,
    test_policies,
    test_proposal_screen,
    test_quantities,
    test_rebalance,
    test_rpc,
    test_security,
    test_suggestions,
)
