"""File names that usually hold credentials: never indexed, never shown to a model, never copied into a sandbox.

`.env*`, private keys and certificates, SSH keys, `.netrc`, `.pypirc`, `.npmrc` and credentials files. The rule
looks at the name only, so it holds for tracked files too; a user opts in explicitly where a command allows it.
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import PurePosixPath

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
_SSH_KEY = re.compile(r"^id_[a-z0-9]+(\.pub)?$", re.IGNORECASE)  # id_rsa, id_ed25519.pub; not id_utils.py


def is_secret_file(path: str) -> bool:
    """Whether a repository path names a file that usually holds credentials."""
    name = PurePosixPath(path).name.lower()
    return bool(_SSH_KEY.match(name)) or any(fnmatch.fnmatchcase(name, pattern) for pattern in SECRET_NAMES)
