"""The on-disk cache under `.repowright/cache`: parse facts keyed by content hash, resolved output per file,
and a manifest of (size, mtime, hash) per path so an unchanged tree is recognised without reading files.

Serialised with `marshal`: fast, and loading it never runs code (a repository could ship a hostile cache).
"""

from __future__ import annotations

import marshal
import os
import sys
from hashlib import blake2b
from pathlib import Path
from typing import Any

from .parse import FACTS_VERSION

SHARDS = 64


def _code_digest() -> str:
    """Facts depend on the queries and the extraction code: a change to either invalidates the cache."""
    here = Path(__file__).parent
    sources = sorted((here / "queries").glob("*/*.scm")) + [here / n for n in ("parse.py", "imports.py")]
    return blake2b(b"".join(p.read_bytes() for p in sources), digest_size=4).hexdigest()


CACHE_VERSION = f"kg-{FACTS_VERSION}-py{sys.version_info[0]}{sys.version_info[1]}-{_code_digest()}"


def content_hash(data: bytes) -> str:
    return blake2b(data, digest_size=16).hexdigest()


_TMP_COUNTER = iter(range(1 << 62))


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file and `os.replace`, so readers never see half a file.

    The temporary name is unique per process and call (opened with O_EXCL); the folder is made only when the
    first open finds it missing, which saves a system call per file when thousands are written."""
    tmp = path.parent / f".tmp-{os.getpid()}-{next(_TMP_COUNTER)}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(tmp, flags, 0o644)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, flags, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
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
        return self.read_facts_blob(digest)[0]

    def read_facts_blob(self, digest: str) -> tuple[dict[str, Any] | None, bytes]:
        """Cached facts and their serialised bytes (which a worker hands to the parent as they are)."""
        try:
            blob = self.facts_file(digest).read_bytes()
            data = marshal.loads(blob)
        except (OSError, ValueError, EOFError, TypeError):
            return None, b""
        return (data, blob) if isinstance(data, dict) else (None, b"")

    def write_facts(self, digest: str, facts: dict[str, Any]) -> bytes:
        """Store facts; returns their serialised bytes."""
        blob = marshal.dumps(facts)
        write_atomic(self.facts_file(digest), blob)
        return blob

    def prune_facts(self, keep: set[str]) -> int:
        """Delete cached facts whose key is not in `keep` (old contents); returns how many were removed."""
        removed = 0
        if not self.facts_dir.is_dir():
            return 0
        for folder in self.facts_dir.iterdir():
            for item in folder.iterdir() if folder.is_dir() else ():
                if item.name.endswith(".bin") and item.name[:-4] not in keep:
                    item.unlink(missing_ok=True)
                    removed += 1
        return removed

    @staticmethod
    def shard_of(path: str) -> int:
        """Resolved records are stored in SHARDS files by path hash: few files to write, one to update."""
        return blake2b(path.encode(), digest_size=2).digest()[0] % SHARDS

    def shard_file(self, shard: int) -> Path:
        return self.results_dir / f"{shard:02x}.bin"

    def read_shard(self, shard: int) -> dict[str, dict[str, Any]]:
        data = _load(self.shard_file(shard))
        return data if isinstance(data, dict) else {}

    def write_shard(self, shard: int, records: dict[str, dict[str, Any]]) -> None:
        write_atomic(self.shard_file(shard), marshal.dumps(records))
