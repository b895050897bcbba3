"""Find the files a knowledge graph covers: honour .gitignore, skip vendored, generated, binary and huge files."""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .languages import language_of
from .secret_files import is_secret_file

if TYPE_CHECKING:  # imported when a folder has ignore rules: a warm `map` of a tree without any skips it
    import pathspec

DEFAULT_SIZE_CAP = 16 * 1024 * 1024
ALWAYS_SKIPPED = {".git", ".hg", ".svn", ".repowright"}
VENDORED_DIRS = {
    "node_modules",
    "vendor",
    "vendored",
    "third_party",
    "thirdparty",
    "3rdparty",
    "bower_components",
    "site-packages",
    "dist-packages",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    ".eggs",
}
GENERATED_DIRS = {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints"}
GENERATED_NAME = re.compile(
    r"(\.min\.(js|css)|_pb2(_grpc)?\.pyi?|\.pb\.go|\.pb\.(cc|h)|[._-]generated\.\w+)$"
)
# Markers a code generator leaves in the first lines (Go's convention, and Facebook's @generated).
GENERATED_MARK = re.compile(rb"@generated\b|^// Code generated .* DO NOT EDIT\.$", re.M)
BINARY_EXTS = {
    ".pyc",
    ".pyo",
    ".so",
    ".o",
    ".a",
    ".dll",
    ".dylib",
    ".exe",
    ".bin",
    ".class",
    ".jar",
    ".whl",
    ".zip",
    ".gz",
    ".tgz",
    ".bz2",
    ".xz",
    ".zst",
    ".7z",
    ".tar",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".bmp",
    ".ico",
    ".webp",
    ".pdf",
    ".wav",
    ".au",
    ".aif",
    ".aiff",
    ".mp3",
    ".mp4",
    ".ogg",
    ".ttf",
    ".otf",
    ".woff",
    ".woff2",
    ".db",
    ".sqlite",
    ".npy",
    ".npz",
    ".pkl",
    ".pt",
    ".onnx",
    ".parquet",
    ".dcm",
    ".nc",
    ".h5",
}


@dataclass
class Entry:
    """One file that becomes a node: repo-relative posix path, size, mtime and language (None: not parsed)."""

    path: str
    size: int
    mtime_ns: int
    language: str | None


@dataclass
class Discovery:
    entries: list[Entry] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


def is_generated_text(head: bytes) -> bool:
    """Whether the first bytes of a file carry a code generator's marker."""
    return GENERATED_MARK.search(head[:2048]) is not None


def ignore_spec(folder: Path) -> pathspec.PathSpec | None:
    lines: list[str] = []
    for name in (".gitignore", ".git/info/exclude"):
        try:
            lines += (folder / name).read_text(errors="replace").splitlines()
        except OSError:
            continue
    if not lines:
        return None
    import pathspec

    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except ValueError:  # GitIgnorePatternError: drop the patterns git would skip, keep the rest
        return pathspec.GitIgnoreSpec.from_lines(valid_patterns(lines))


def valid_patterns(lines: list[str]) -> list[str]:
    """The lines pathspec accepts: git skips a pattern it cannot use (a bare `!`), so one must not fail the map."""
    import pathspec

    kept = []
    for line in lines:
        try:
            pathspec.GitIgnoreSpec.from_lines([line])
        except ValueError:  # GitIgnorePatternError
            continue
        kept.append(line)
    return kept


def discover(root: Path, size_cap: int = DEFAULT_SIZE_CAP) -> Discovery:
    """Walk `root` (sorted, deterministic) and classify every file as an entry or a skip reason.

    Skipped directories (gitignored, vendored, generated caches) count once each under their reason.
    """
    out = Discovery()
    specs: list[tuple[str, pathspec.PathSpec]] = []
    _walk(root, "", specs, out, size_cap)
    out.entries.sort(key=lambda e: e.path)
    return out


def is_ignored(rel: str, is_dir: bool, specs: list[tuple[str, pathspec.PathSpec]]) -> bool:
    for prefix, spec in specs:
        if rel.startswith(prefix):
            tail = rel[len(prefix) :] + ("/" if is_dir else "")
            if spec.match_file(tail):
                return True
    return False


def _walk(root: Path, rel_dir: str, specs: list, out: Discovery, size_cap: int) -> None:
    folder = os.path.join(root, rel_dir) if rel_dir else str(root)
    try:
        items = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        out.skipped["unreadable"] += 1
        return
    # Ignore rules are looked for only where the listing shows them: two failed opens per folder were a
    # tenth of a warm map.
    if any(item.name in (".gitignore", ".git") for item in items):
        spec = ignore_spec(Path(folder))
        if spec is not None:
            specs = [*specs, (rel_dir + "/" if rel_dir else "", spec)]
    for item in items:
        rel = f"{rel_dir}/{item.name}" if rel_dir else item.name
        if item.is_symlink():
            out.skipped["symlink"] += 1
            continue
        if item.is_dir():
            if item.name in ALWAYS_SKIPPED:
                continue
            if item.name in VENDORED_DIRS:
                out.skipped["vendored"] += 1
            elif item.name in GENERATED_DIRS:
                out.skipped["generated"] += 1
            elif specs and is_ignored(rel, True, specs):
                out.skipped["gitignored"] += 1
            else:
                _walk(root, rel, specs, out, size_cap)
            continue
        if specs and is_ignored(rel, False, specs):
            out.skipped["gitignored"] += 1
            continue
        if is_secret_file(rel):  # its content would reach prompts through the graph
            out.skipped["secret"] += 1
            continue
        dot = item.name.rfind(".")
        if dot > 0 and item.name[dot:].lower() in BINARY_EXTS:
            out.skipped["binary"] += 1
            continue
        if GENERATED_NAME.search(item.name):
            out.skipped["generated"] += 1
            continue
        stat = item.stat()
        if stat.st_size > size_cap:
            out.skipped["too_large"] += 1
            continue
        out.entries.append(Entry(rel, stat.st_size, stat.st_mtime_ns, language_of(rel)))
