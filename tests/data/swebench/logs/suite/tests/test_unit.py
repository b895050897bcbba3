import unittest


class TestOutcomes(unittest.TestCase):
    def test_passes(self):
        self.assertEqual(1 + 1, 2)

    def test_fails(self):
        self.assertEqual(1 + 1, 3)

    def test_errors(self):
        raise RuntimeError("boom")

    def test_skipped(self):
        self.skipTest("not today")

    @unittest.expectedFailure
    def test_xfails(self):
        self.assertEqual(1, 2)
