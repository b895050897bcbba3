class Shape:
    """Base of all shapes."""

    def name(self):
        return type(self).__name__
