"""Shapes with areas."""
import math

from .base import Shape

PI2 = math.pi * 2


class Circle(Shape):
    """A circle.

    Second line."""

    def __init__(self, r):
        self.r = r

    def area(self):
        return PI2 / 2 * square(self.r)

    def describe(self):
        return self.name() + str(self.area())


def square(x):
    return x * x
