import pkg.shapes
from pkg import Circle
from pkg.base import Shape
from pkg.shapes import square as sq


def run():
    c = Circle(2)
    total = sq(3) + pkg.shapes.square(2)
    print(c.describe(), total)
    return helper(c)


def helper(kind: Shape) -> Shape:
    def inner():
        return kind
    return inner()


twice = lambda x: helper(x) * 2  # noqa: E731
