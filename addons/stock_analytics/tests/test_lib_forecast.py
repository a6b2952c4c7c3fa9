import random

from odoo.tests import BaseCase

from ..lib.forecast import (
    croston,
    mape,
    mase,
    select_forecast,
    select_forecasts,
    ses,
)


class TestForecast(BaseCase):
    def test_ses_known_series(self):
        fitted, forecast = ses([10, 20, 10], 0.5)
        # level 10 -> 15 -> 12.5
        self.assertEqual(fitted, [None, 10.0, 15.0])
        self.assertAlmostEqual(forecast, 12.5)

    def test_croston_known_series(self):
        # demands 6 at period 2 and 4 at period 5 (intervals 2 and 3)
        fitted, forecast = croston([0, 6, 0, 0, 4, 0], 0.5)
        self.assertEqual(fitted[:2], [None, None])
        self.assertEqual(fitted[2:5], [3.0, 3.0, 3.0])
        # size 6 -> 5, interval 2 -> 2.5: 5 / 2.5
        self.assertAlmostEqual(fitted[5], 2.0)
        self.assertAlmostEqual(forecast, 2.0)

    def test_errors(self):
        series = [10, 20, 10]
        fitted = [None, 10.0, 15.0]
        # errors 10 and 5 (mean 7.5) over naive errors 10 and 10
        self.assertAlmostEqual(mase(series, fitted), 0.75)
        self.assertAlmostEqual(mape(series, fitted), (0.5 + 0.5) / 2)
        self.assertEqual(mase([5, 5, 5], [None, 5.0, 5.0]), 0.0)
        self.assertIsNone(mase([5], [None]))

    def test_select_constant_series(self):
        fit = select_forecast([5.0] * 6)
        self.assertEqual(fit["method"], "ses")
        self.assertEqual(fit["mase"], 0.0)
        self.assertAlmostEqual(fit["forecast"], 5.0)

    def test_select_intermittent_series(self):
        fit = select_forecast([4, 0, 0, 4, 0, 0, 4, 0, 0, 4])
        self.assertEqual((fit["method"], fit["alpha"]), ("croston", 0.5))
        # size stays 4; interval 1 -> 2 -> 2.5 -> 2.75 over the gaps of 3
        self.assertAlmostEqual(fit["forecast"], 4 / 2.75)
        # errors on the 4s only (the zeros have none): 4 - 4/1, 4 - 4/2, ...
        self.assertAlmostEqual(fit["mape"], (0 + 0.5 + 0.6) / 3)
        self.assertLess(fit["mase"], 1.0)

    def test_select_without_demand(self):
        fit = select_forecast([0, 0, 0])
        self.assertEqual((fit["method"], fit["forecast"]), ("none", 0.0))

    def test_vectorised_selection_is_exact(self):
        """``select_forecasts`` gives, float for float, what
        ``select_forecast`` gives on each series trimmed of its leading
        zeros: same methods, alphas (ties too), errors and forecasts."""
        rng = random.Random(6)
        choices = ([0, 0, 0, 4, 7], [0, 1, 2, 3, 20], [0, 0, -2, 3.5, 1.1])
        matrix = [[5.0] * 12, [0.0] * 12, [0.0] * 11 + [3.0], [4, 0, 0] * 4]
        matrix += [[rng.choice(c) for __ in range(12)] for c in choices * 100]
        for row in matrix[4::3]:
            leading = rng.randint(0, 12)
            row[:leading] = [0] * leading
        expected = []
        for row in matrix:
            first = next((i for i, qty in enumerate(row) if qty), len(row))
            expected.append(select_forecast(row[first:], (0.1, 0.2, 0.5)))
        self.assertEqual(select_forecasts(matrix, (0.1, 0.2, 0.5)), expected)
        self.assertEqual(select_forecasts([]), [])
