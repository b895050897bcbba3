"""A tiny library with planted bugs, the target of the campaign tests (run only inside the sandbox)."""


def scale(x, factor=1):
    """Multiply a count by a factor.

    Args:
        x (int): the count; must be non-negative.
        factor (int, optional): the multiplier, at least 1. Default: 1
    """
    if x < 0:  # planted: a documented-invalid input kills the process instead of raising
        import ctypes

        ctypes.string_at(0)
    return x * factor


def pick(mode="mean"):
    """Choose a reduction.

    Args:
        mode (str, optional): ``'mean'`` | ``'sum'``. Default: ``'mean'``
    """
    if mode == "sum":  # planted: documented, yet refused (a documentation inconsistency)
        raise NotImplementedError("sum is not implemented")
    if mode != "mean":
        raise ValueError(f"unknown mode {mode!r}")
    return mode


def spin(rounds):
    """Spin for a while.

    Args:
        rounds (int): how many rounds; must be positive.
    """
    while rounds <= 0:  # planted: a non-positive count never ends
        pass
    return rounds


_SEEN = []


def tally(n):
    """Count up to a number.

    Args:
        n (int): how far to count; must be non-negative.
    """
    _SEEN.append(n)  # planted: the answer depends on state left behind by earlier calls (a silent wrong result)
    return n + len(_SEEN)
