"""A small ledger of amounts in cents."""
