"""Secret values kept out of prompts, tool output, trajectories, reports and logs.

The values are the configured API key, `GITHUB_TOKEN`, and every environment variable whose name looks
secret (KEY, TOKEN, SECRET, PASSWORD, CREDENTIAL, AUTH). Short values are left alone: replacing every "x"
of a placeholder key would garble the text without protecting anything.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

SECRET_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH|PRIVATE", re.IGNORECASE)
NOT_SECRET = {"PATH", "HOME", "PWD", "SHELL", "TERM", "KEYTIMEOUT", "SSH_AUTH_SOCK", "XAUTHORITY"}
MIN_SECRET_CHARS = 8


def secret_values(api_key: str | None = None, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """{value: name} of the secrets to scrub: the API key and the secret-looking environment variables."""
    env = os.environ if environ is None else environ
    found: dict[str, str] = {}
    for name, value in env.items():
        if (
            name not in NOT_SECRET
            and (SECRET_NAME.search(name) or name == "GITHUB_TOKEN")
            and not os.path.isabs(value)
        ):  # a path (a key *file*'s location) is not the secret itself
            found.setdefault(value, name)
    if api_key:
        found[api_key] = "api_key"
    return {v: n for v, n in found.items() if len(v.strip()) >= MIN_SECRET_CHARS}


class Scrubber:
    """Replaces each secret value with `[redacted NAME]` in text and in nested JSON-like data."""

    def __init__(self, secrets: Mapping[str, str]) -> None:
        ordered = sorted(
            secrets, key=len, reverse=True
        )  # a longer secret containing a shorter one goes first
        self.names = dict(secrets)
        self.pattern = re.compile("|".join(re.escape(v) for v in ordered)) if ordered else None

    @classmethod
    def from_environment(cls, api_key: str | None = None, extra: Iterable[str] = ()) -> Scrubber:
        values = secret_values(api_key)
        values.update({v: "secret" for v in extra if len(v) >= MIN_SECRET_CHARS})
        return cls(values)

    def text(self, text: str) -> str:
        if self.pattern is None or not text:
            return text
        return self.pattern.sub(lambda m: f"[redacted {self.names[m.group(0)]}]", text)

    def data(self, value: Any) -> Any:
        """`value` with every string inside it scrubbed (dicts, lists and tuples walked)."""
        if self.pattern is None:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.data(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.data(v) for v in value]
        return value


NO_SCRUB = Scrubber({})
