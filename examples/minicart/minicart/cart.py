"""The cart: what is in it and what it costs."""

from .coupons import lookup
from .pricing import discounted, with_tax


class Cart:
    """Items with unit prices and quantities, and at most one coupon."""

    def __init__(self, tax_rate=0.0):
        self.items = {}
        self.tax_rate = tax_rate
        self.percent_off = 0

    def add(self, name, price, quantity=1):
        """Add `quantity` of an item at `price` each."""
        old_price, old_quantity = self.items.get(name, (price, 0))
        self.items[name] = (price, old_quantity + quantity)

    def apply_coupon(self, code):
        """Take a coupon's percentage off the subtotal."""
        percent = lookup(code)
        self.percent_off = percent

    def subtotal(self):
        return sum(price * quantity for price, quantity in self.items.values())

    def total(self):
        """Subtotal after the coupon, plus tax."""
        return with_tax(discounted(self.subtotal(), self.percent_off), self.tax_rate)
