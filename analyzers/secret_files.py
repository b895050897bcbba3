"""File names that usually hold credentials: never indexed, never shown to a model, never copied into a sandbox.

`.env*`, private keys and certificates, SSH keys, `.netrc`, `.pypirc`, `.npmrc` and credentials files. The rule
looks at the name only, so it holds for tracked files too; a user opts in explicitly where a command allows it.
"""

from __future__ import annotations

import fnmatch
import re

SECRET_NAMES = (
    ".env",
    ".env.*",
    "*.env",
    "*.pem",
    "*.key",
    ".netrc",
    "_netrc",
    ".pypirc",
    ".git-credentials",
    "credentials",
    "credentials.*",
    "*credentials.json",
    ".npmrc",
    "*.p12",
    "*.pfx",
    "*.keystore",
)
SSH_KEY = r"id_[a-z0-9]+(\.pub)?\Z"  # id_rsa, id_ed25519.pub; not id_utils.py
# One expression for every name: `map` asks once per file, and 16 fnmatch calls each were a tenth of a warm map.
_SECRET = re.compile("|".join([SSH_KEY, *(fnmatch.translate(p) for p in SECRET_NAMES)]))


def is_secret_file(path: str) -> bool:
    """Whether a repository path names a file that usually holds credentials."""
    return _SECRET.match(path[path.rfind("/") + 1 :].lower()) is not None
