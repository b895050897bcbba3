"""The on-disk caches: where they live, and the knowledge graph's cache.

Every cache and run folder lives under `cache_home()` (`$REPOWRIGHT_CACHE_DIR`, else `$XDG_CACHE_HOME/repowright`,
else `~/.cache/repowright`), one folder per repository (`repository_cache_dir`), never inside the repository.
The repository id is its first commit (plus the folder inside it), so every clone and worktree shares one folder.

The graph cache holds parse facts keyed by content hash (shared by every checkout), and per checkout the
resolved output per file and a manifest of (size, mtime, hash) per path, so an unchanged tree is recognised
without reading files. Serialised with `marshal`: fast, and loading it never runs code.
"""

from __future__ import annotations

import marshal
import os
import re
import subprocess
import sys
from hashlib import blake2b
from pathlib import Path
from typing import Any

from .cache_check import seal, unseal, valid_facts, valid_manifest, valid_shard
from .parse import FACTS_VERSION

SHARDS = 64
CACHE_ENV = "REPOWRIGHT_CACHE_DIR"


def cache_home() -> Path:
    """The root of every repowright cache: $REPOWRIGHT_CACHE_DIR, else $XDG_CACHE_HOME/repowright, else
    ~/.cache/repowright."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "repowright"


def read_git(root: Path, *args: str) -> str | None:
    """The output of a read-only git command in `root`, or None (not a repository, no commits, no git)."""
    argv = ["git", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", *args]
    try:
        done = subprocess.run(
            argv,
            cwd=root,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def repository_id(root: Path) -> str:
    """`git-<hash>` of the first commit and the folder within the repository for a git checkout (the same for every
    clone and worktree, wherever and however named), else `<folder name>-<hash>` of the absolute path."""
    root = Path(root).resolve()
    first = read_git(root, "rev-list", "--max-parents=0", "HEAD")
    if first:
        ident = f"git:{sorted(first.split())[0]}:{read_git(root, 'rev-parse', '--show-prefix') or ''}"
        name = "git"
    else:
        ident, name = f"path:{root}", re.sub(r"[^A-Za-z0-9._-]", "_", root.name)[:40] or "folder"
    return f"{name}-{blake2b(ident.encode(), digest_size=6).hexdigest()}"


def repository_cache_dir(root: Path) -> Path:
    """The folder of one repository's caches and runs (graph/, runs/)."""
    return cache_home() / repository_id(root)


def graph_cache_dir(root: Path) -> Path:
    """The default knowledge graph cache of the repository at `root`."""
    return repository_cache_dir(root) / "graph"


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


def _load(path: Path, key: str) -> Any:
    """The value sealed for `key` in `path`, or None (missing, foreign, edited, torn or not marshal data)."""
    try:
        payload = unseal(key, path.read_bytes())
        return None if payload is None else marshal.loads(payload)
    except (OSError, ValueError, EOFError, TypeError):
        return None


MANIFEST_KEY = "manifest"


class GraphCache:
    """Paths of the cache files and their reading and writing."""

    def __init__(self, directory: Path, root: Path | None = None) -> None:
        """Facts are shared by every checkout using `directory`; the manifest and results are `root`'s own."""
        self.directory = directory
        self.facts_dir = directory / f"facts-{CACHE_VERSION}"
        tree = (
            directory / "trees" / blake2b(str(root).encode(), digest_size=8).hexdigest()
            if root
            else directory
        )
        self.results_dir = tree / f"results-{CACHE_VERSION}"
        self.manifest_path = tree / f"manifest-{CACHE_VERSION}.bin"

    def load_manifest(self) -> dict[str, Any] | None:
        data = _load(self.manifest_path, MANIFEST_KEY)
        ok = valid_manifest(data) and data.get("version") == CACHE_VERSION
        return data if ok else None

    def save_manifest(self, data: dict[str, Any]) -> None:
        write_atomic(
            self.manifest_path, seal(MANIFEST_KEY, marshal.dumps({**data, "version": CACHE_VERSION}))
        )

    def facts_file(self, digest: str) -> Path:
        return self.facts_dir / digest[:2] / f"{digest}.bin"

    def read_facts(self, digest: str) -> dict[str, Any] | None:
        return self.read_facts_blob(digest)[0]

    def read_facts_blob(self, digest: str) -> tuple[dict[str, Any] | None, bytes]:
        """Cached facts for key `digest` (source content hash and language) and their marshal bytes (which a
        worker hands to the parent as they are); (None, b"") when the entry is missing or fails its checks."""
        try:
            payload = unseal(digest, self.facts_file(digest).read_bytes())
            data = None if payload is None else marshal.loads(payload)
        except (OSError, ValueError, EOFError, TypeError):
            return None, b""
        if payload is None or not valid_facts(data, digest.rsplit(".", 1)[-1]):
            return None, b""
        return data, payload

    def write_facts(self, digest: str, facts: dict[str, Any]) -> bytes:
        """Store facts; returns their marshal bytes."""
        payload = marshal.dumps(facts)
        write_atomic(self.facts_file(digest), seal(digest, payload))
        return payload

    def prune_facts(self, stale: set[str]) -> int:
        """Delete the facts of contents this checkout no longer has, unless another checkout's manifest still
        names them (facts are shared by content); returns how many were removed."""
        stale = stale - self.keys_of_other_trees()
        for key in stale:
            self.facts_file(key).unlink(missing_ok=True)
        return len(stale)

    def keys_of_other_trees(self) -> set[str]:
        """Facts keys named by the manifests of the other checkouts sharing this cache."""
        keys: set[str] = set()
        for manifest in (self.directory / "trees").glob(f"*/manifest-{CACHE_VERSION}.bin"):
            data = _load(manifest, MANIFEST_KEY) if manifest != self.manifest_path else None
            if data is not None and valid_manifest(data):
                keys.update(
                    f"{r[2]}.{r[3]}"
                    for r in data["files"].values()
                    if isinstance(r, list) and len(r) > 3 and r[3]
                )
        return keys

    @staticmethod
    def shard_of(path: str) -> int:
        """Resolved records are stored in SHARDS files by path hash: few files to write, one to update."""
        return blake2b(path.encode(), digest_size=2).digest()[0] % SHARDS

    def shard_file(self, shard: int) -> Path:
        return self.results_dir / f"{shard:02x}.bin"

    def read_shard(self, shard: int) -> dict[str, dict[str, Any]]:
        """The shard's records; {} when it is missing or fails its checks."""
        data = _load(self.shard_file(shard), f"shard:{shard}")
        return data if valid_shard(data) else {}

    def shard_ok(self, shard: int) -> bool:
        """Whether the shard file exists and its seal holds (no decoding, but every byte is hashed)."""
        try:
            return unseal(f"shard:{shard}", self.shard_file(shard).read_bytes()) is not None
        except OSError:
            return False

    def shard_stamp(self, shard: int) -> list[int] | None:
        """(size, mtime in ns) of the shard file, or None when it is missing."""
        try:
            stat = self.shard_file(shard).stat()
        except OSError:
            return None
        return [stat.st_size, stat.st_mtime_ns]

    def shards_intact(self, shards: set[int], stamps: dict[int, list[int]]) -> bool:
        """Whether every shard is present and sound: unchanged since `stamps` were taken (one stat each, as the
        manifest trusts source files), else its seal is checked. Reading a shard checks its seal anyway."""
        return all(self.shard_stamp(s) == stamps.get(s) or self.shard_ok(s) for s in shards)

    def write_shard(self, shard: int, records: dict[str, dict[str, Any]]) -> None:
        write_atomic(self.shard_file(shard), seal(f"shard:{shard}", marshal.dumps(records)))
