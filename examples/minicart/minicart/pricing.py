"""Money arithmetic: discounts and tax, rounded to cents."""


def discounted(amount, percent):
    """`amount` with `percent` taken off."""
    return round(amount * (100 - percent) / 100, 2)


def with_tax(amount, rate):
    """`amount` plus tax at `rate` (0.2 means 20%)."""
    return round(amount * (1 + rate), 2)
