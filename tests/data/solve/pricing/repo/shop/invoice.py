"""Plain-text invoices."""

from .pricing import order_total


def render_invoice(customer, lines):
    """The invoice text for `customer` with one row per line and the total."""
    rows = [f"Invoice for {customer}"]
    rows += [f"{line['quantity']} x {line['name']}" for line in lines]
    rows.append(f"Total: {order_total(lines):.2f}")
    return "\n".join(rows)
