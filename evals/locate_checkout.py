"""One working tree per repository, moved from commit to commit by writing only the files that differ.

Benchmarks over many commits of one repository would otherwise export and parse the whole tree per instance;
here the tree is updated in place and mapped with one graph cache per repository, so each step re-parses only
the files the commits changed (the graph cache is keyed by content). The mirror is only read.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from repowright.analyzers.graph import KnowledgeGraph
from repowright.analyzers.knowledge_graph import build_knowledge_graph


def _git_dir(repo: Path) -> Path:
    return repo / ".git" if (repo / ".git").exists() else repo


def _blobs(git: list[str], entries: list[tuple[str, str]], target: Path) -> None:
    """Write blobs (sha, path) under target; blobs a partial mirror lacks are left out."""
    batch = subprocess.run(
        [*git, "cat-file", "--batch"],
        input="".join(f"{sha}\n" for sha, _ in entries).encode(),
        capture_output=True,
        check=True,
    ).stdout
    pos = 0
    for _sha, path in entries:
        end = batch.index(b"\n", pos)
        header = batch[pos:end].split()
        pos = end + 1
        if header[-1] == b"missing":
            continue
        size = int(header[2])
        dest = target / path
        if dest.is_symlink() or dest.is_dir():
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(batch[pos : pos + size])
        pos += size + 1


def blob_entries(git: list[str], commit: str, paths: list[str] | None = None) -> list[tuple[str, str]]:
    """(blob sha, path) of every regular file in `commit` (under `paths`, if given); symlinks left out."""
    out = subprocess.run(
        [*git, "ls-tree", "-r", "-z", commit, "--", *(paths or [])], capture_output=True, check=True
    ).stdout
    entries = []
    for item in out.split(b"\0"):
        if item:
            meta, _, path = item.partition(b"\t")
            mode, kind, sha = meta.split()
            if kind == b"blob" and mode != b"120000":
                entries.append((sha.decode(), path.decode("utf-8", "replace")))
    return entries


class Checkout:
    """A plain-file tree of one repository at one commit under `work`, with its graph cache beside it."""

    def __init__(self, repo: Path, work: Path) -> None:
        self.git = ["git", "--git-dir", str(_git_dir(repo))]
        self.root, self.cache = work / "tree", work / "cache"
        self.commit: str | None = None

    def _tree(self, commit: str, paths: list[str] | None = None) -> list[tuple[str, str]]:
        return blob_entries(self.git, commit, paths)

    def goto(self, commit: str) -> None:
        """Make the tree equal to `commit` (fresh export the first time, only changed files after)."""
        if self.commit is None or self._distance(commit) > 3000:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root.mkdir(parents=True)
            _blobs(self.git, self._tree(commit), self.root)
        elif self.commit != commit:
            diff = subprocess.run(
                [*self.git, "diff", "--name-only", "--no-renames", "-z", self.commit, commit],
                capture_output=True,
                check=True,
            ).stdout
            changed = [p.decode("utf-8", "replace") for p in diff.split(b"\0") if p]
            for path in changed:
                (self.root / path).unlink(missing_ok=True)
            present = self._tree(commit, changed) if changed else []
            _blobs(self.git, present, self.root)
        self.commit = commit

    def _distance(self, commit: str) -> int:
        """How many files differ from the current tree (a full export is cheaper past a few thousand)."""
        diff = subprocess.run(
            [*self.git, "diff", "--name-only", "--no-renames", "-z", str(self.commit), commit],
            capture_output=True,
            check=True,
        ).stdout
        return diff.count(b"\0")

    def graph(self) -> KnowledgeGraph:
        return build_knowledge_graph(self.root, cache_dir=self.cache)
