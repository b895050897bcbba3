"""URL slugs from titles."""

import re

_SEPARATORS = re.compile(r"[^a-z0-9]")


def slugify(title):
    """A lowercase, dash-separated slug of `title`."""
    return _SEPARATORS.sub("-", title)
