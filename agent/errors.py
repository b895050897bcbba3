"""Errors a user sees as one line: what went wrong and what to do."""


class UserError(Exception):
    """Bad input or environment; printed as one line with a non-zero exit (2), no traceback unless -v."""

    exit_code = 2
