"""Coupon codes and the discount each one gives."""

COUPONS = {
    "SAVE10": 10,
    "SAVE25": 25,
    "HALFOFF": 50,
}


def lookup(code):
    """The percentage a coupon code takes off."""
    return COUPONS[code]


def is_valid(code):
    """Whether a coupon code exists."""
    return code in COUPONS
