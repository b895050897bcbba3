"""Prices of order lines, with percentage discounts."""


def apply_discount(price, percent):
    """`price` reduced by `percent` per cent."""
    return price * percent / 100


def line_total(line):
    """Quantity times the discounted unit price of one order line."""
    return line["quantity"] * apply_discount(line["price"], line.get("discount", 0))


def order_total(lines):
    """The total of all order lines, rounded to cents."""
    return round(sum(line_total(line) for line in lines), 2)
