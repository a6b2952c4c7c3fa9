from odoo.tests import BaseCase

from ..lib.classification import abc_classes, coefficient_of_variation, xyz_class


class TestClassification(BaseCase):
    def test_abc_boundaries(self):
        # shares 0.5, 0.3, 0.15, 0.05: the item crossing 80 % stays A
        values = {1: 50.0, 2: 30.0, 3: 15.0, 4: 5.0, 5: 0.0}
        result = abc_classes(values)
        self.assertEqual(
            {k: v[0] for k, v in result.items()},
            {1: "A", 2: "A", 3: "B", 4: "C", 5: "C"},
        )
        self.assertAlmostEqual(result[3][1], 0.15)
        self.assertAlmostEqual(result[3][2], 0.95)
        # with cut-offs at 50 % and 80 %, the second item is B
        result = abc_classes(values, (0.5, 0.8))
        self.assertEqual([result[k][0] for k in (1, 2, 3, 4)], ["A", "B", "C", "C"])

    def test_abc_ties_and_empty(self):
        self.assertEqual(abc_classes({}), {})
        result = abc_classes({2: 10.0, 1: 10.0})
        self.assertEqual((result[1][0], result[2][0]), ("A", "A"))
        self.assertAlmostEqual(result[2][2], 1.0)

    def test_cv_and_xyz(self):
        self.assertEqual(coefficient_of_variation([5, 5, 5]), 0.0)
        # mean 2, population standard deviation 2
        self.assertAlmostEqual(coefficient_of_variation([0, 4, 0, 4]), 1.0)
        self.assertIsNone(coefficient_of_variation([0, 0]))
        self.assertEqual(xyz_class(0.5), "X")
        self.assertEqual(xyz_class(0.51), "Y")
        self.assertEqual(xyz_class(1.0), "Y")
        self.assertEqual(xyz_class(1.01), "Z")
        self.assertEqual(xyz_class(None), "Z")
        self.assertEqual(xyz_class(0.3, (0.2, 0.4)), "Y")
