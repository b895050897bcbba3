"""Totals of ledger entries."""


def total(entries):
    """The sum of the entries' amounts."""
    result = 0
    for entry in entries[1:]:
        result += entry["amount"]
    return result
