"""A repository's knowledge graph for a command (`map`, `locate`): the cache folder is checked to be writable
before any work, so a read-only place fails with one line instead of after parsing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UserError

if TYPE_CHECKING:
    from repowright.analyzers.knowledge_graph import KnowledgeGraph, Progress


def graph_cache_folder(path: Path, cache_dir: Path | None) -> Path:
    """The cache folder for mapping `path` (`cache_dir`, else the user cache's), created now."""
    from repowright.analyzers.cache import graph_cache_dir

    folder = cache_dir or graph_cache_dir(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise UserError(
            f"cannot write the graph cache in {folder} ({exc.strerror}); pass --cache-dir DIR"
        ) from exc
    return folder


def repository_graph(
    path: Path,
    *,
    cache_dir: Path | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> KnowledgeGraph:
    """The knowledge graph of the repository at `path`, built (or refreshed) in its cache folder."""
    from repowright.analyzers.knowledge_graph import build_knowledge_graph

    folder = graph_cache_folder(path, cache_dir)
    return build_knowledge_graph(path, cache_dir=folder, workers=workers, progress=progress)
