"""Secrets out of everything written or posted: the configured API key and tokens, replaced by a marker.

A server can echo a credential back (a 401 body quoting the Authorization header); whatever repowright then
prints, logs, records or posts passes through `redact` with the secrets `configured_secrets` collects.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

MARK = "[REDACTED]"
MIN_SECRET_CHARS = 6  # shorter values ("x", "none") would blank ordinary words, and guard nothing
# Environment variables holding credentials repowright may be given (the Action's token among them).
SECRET_VARIABLES = ("REPOWRIGHT_API_KEY", "GITHUB_TOKEN", "INPUT_GITHUB-TOKEN", "INPUT_GITHUB_TOKEN",
                    "OPENAI_API_KEY")


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every occurrence of each secret (longest first) replaced by [REDACTED]."""
    for secret in sorted({s for s in secrets if s and len(s) >= MIN_SECRET_CHARS}, key=len, reverse=True):
        text = text.replace(secret, MARK)
    return text


def redact_value(value: Any, secrets: Iterable[str]) -> Any:
    """`value` (strings, lists, dicts, nested) with secrets redacted in every string it holds."""
    secrets = list(secrets)
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, dict):
        return {k: redact_value(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(v, secrets) for v in value]
    return value


def configured_secrets(api_key: str | None = None, environ: Mapping[str, str] | None = None) -> list[str]:
    """The secrets to keep out of outputs: the model API key in use and credential variables of the environment."""
    env = os.environ if environ is None else environ
    found = [api_key or "", *(env.get(name, "") for name in SECRET_VARIABLES)]
    return [s for s in dict.fromkeys(found) if len(s) >= MIN_SECRET_CHARS]
