"""The text index of localisation on disk, next to the graph cache, so a fresh process does not re-tokenise.

Two files per checkout, in the graph cache's folder for that checkout (`trees/<root hash>/`), sealed and
marshalled like the graph cache (loading never runs code; a foreign, torn or edited file reads as missing):
- `text-index-<version>.bin`: the built BM25 indexes, keyed by a digest of every indexed file's path and content
  hash: an unchanged tree loads it and tokenises nothing;
- `text-bags-<version>.bin`: every file's token bags by content hash, so after a change only the changed files
  are tokenised again (their bags feed the in-process memo of locate_index before the index is rebuilt).
The version names the token bag layout and the graph cache's version (definitions come from the parse).
"""

from __future__ import annotations

import marshal
from hashlib import blake2b
from pathlib import Path
from typing import Any

from repowright.analyzers.cache import CACHE_VERSION, GraphCache, write_atomic
from repowright.analyzers.cache_check import seal, unseal

INDEX_VERSION = f"t3-{CACHE_VERSION}"  # t3: a definition's code bag holds its own lines only


def tree_folder(cache_dir: Path, root: Path) -> Path:
    """The graph cache's folder for the checkout at `root` (where its manifest lives)."""
    return GraphCache(Path(cache_dir), Path(root).resolve()).manifest_path.parent


def tree_key(files: list[str], hashes: list[str]) -> str:
    """A digest of the indexed files and their contents ('' when some file has no content hash)."""
    if not all(hashes):
        return ""
    text = "\n".join(f"{p}\0{h}" for p, h in zip(files, hashes, strict=True))
    return blake2b(f"{INDEX_VERSION}\n{text}".encode(), digest_size=16).hexdigest()


def _path(cache_dir: Path, root: Path, name: str) -> Path:
    return tree_folder(cache_dir, root) / f"{name}-{INDEX_VERSION}.bin"


def _read(path: Path, key: str) -> Any:
    try:
        payload = unseal(key, path.read_bytes())
        return None if payload is None else marshal.loads(payload)
    except (OSError, ValueError, EOFError, TypeError):
        return None


def _write(path: Path, key: str, data: Any) -> None:
    try:
        write_atomic(path, seal(key, marshal.dumps(data)))
    except (OSError, ValueError):
        pass  # a cache that cannot be written costs time on the next run, never a wrong answer


def load_index_state(cache_dir: Path, root: Path, key: str) -> dict[str, Any] | None:
    """The stored index state for tree `key`, or None (missing, another tree, unreadable)."""
    data = _read(_path(cache_dir, root, "text-index"), f"text-index:{key}")
    return data if isinstance(data, dict) and data.get("key") == key else None


def save_index_state(cache_dir: Path, root: Path, key: str, state: dict[str, Any]) -> None:
    _write(_path(cache_dir, root, "text-index"), f"text-index:{key}", {**state, "key": key})


def load_bags(cache_dir: Path, root: Path) -> dict[str, dict[str, Any]]:
    """{"<hash>:<path>": plain bags} stored for this checkout ({} when none or unreadable)."""
    data = _read(_path(cache_dir, root, "text-bags"), "text-bags")
    return data if isinstance(data, dict) else {}


def save_bags(cache_dir: Path, root: Path, bags: dict[str, dict[str, Any]]) -> None:
    _write(_path(cache_dir, root, "text-bags"), "text-bags", bags)
