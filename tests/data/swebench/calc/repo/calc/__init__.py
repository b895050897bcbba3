"""A tiny calculator used as a SWE-bench fixture."""


def add(a, b):
    """Return the sum of a and b."""
    return a - b


def mul(a, b):
    """Return the product of a and b."""
    return a * b


def neg(a):
    """Return minus a."""
    return -a
