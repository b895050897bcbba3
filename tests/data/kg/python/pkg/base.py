class Shape:
    """Base of all shapes."""

    def name(self):
        return type(self).__name__


try:
    from math import tau as TAU
except ImportError:
    TAU = 6.283185307179586

if TAU > 6:
    LIMIT = 10
else:
    LIMIT = 20
