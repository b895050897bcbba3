from sympy.testing.pytest import SKIP, XFAIL


def test_passes():
    assert 1 + 1 == 2


def test_fails():
    assert 1 + 1 == 3


def test_errors():
    raise RuntimeError("boom")


@XFAIL
def test_xfails():
    assert False


@SKIP("not today")
def test_skipped():
    pass
