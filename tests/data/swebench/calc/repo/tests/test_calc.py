from calc import mul, neg


def test_mul():
    assert mul(3, 4) == 12


def test_neg():
    assert neg(2) == -2
