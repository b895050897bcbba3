"""The on-disk cache under `.repowright/cache`: parse facts keyed by content hash, resolved output per file,
and a manifest of (size, mtime, hash) per path so an unchanged tree is recognised without reading files.

Serialised with `marshal`: fast, and loading it never runs code (a repository could ship a hostile cache).
"""

from __future__ import annotations

import marshal
import os
import sys
import tempfile
from hashlib import blake2b
from pathlib import Path
from typing import Any

from .parse import FACTS_VERSION

CACHE_VERSION = f"kg-{FACTS_VERSION}-py{sys.version_info[0]}{sys.version_info[1]}"


def content_hash(data: bytes) -> str:
    return blake2b(data, digest_size=16).hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file and `os.replace`, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _load(path: Path) -> Any:
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None


class GraphCache:
    """Paths of the cache files and their reading and writing."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.facts_dir = directory / f"facts-{CACHE_VERSION}"
        self.results_dir = directory / f"results-{CACHE_VERSION}"
        self.manifest_path = directory / f"manifest-{CACHE_VERSION}.bin"

    def load_manifest(self) -> dict[str, Any] | None:
        data = _load(self.manifest_path)
        return data if isinstance(data, dict) and data.get("version") == CACHE_VERSION else None

    def save_manifest(self, data: dict[str, Any]) -> None:
        write_atomic(self.manifest_path, marshal.dumps({**data, "version": CACHE_VERSION}))

    def facts_file(self, digest: str) -> Path:
        return self.facts_dir / digest[:2] / f"{digest}.bin"

    def read_facts(self, digest: str) -> dict[str, Any] | None:
        data = _load(self.facts_file(digest))
        return data if isinstance(data, dict) else None

    def write_facts(self, digest: str, facts: dict[str, Any]) -> None:
        write_atomic(self.facts_file(digest), marshal.dumps(facts))

    def result_file(self, path: str) -> Path:
        return self.results_dir / f"{blake2b(path.encode(), digest_size=10).hexdigest()}.bin"

    def read_result(self, path: str) -> dict[str, Any] | None:
        data = _load(self.result_file(path))
        return data if isinstance(data, dict) and data.get("path") == path else None

    def write_result(self, path: str, result: dict[str, Any]) -> None:
        write_atomic(self.result_file(path), marshal.dumps(result))
