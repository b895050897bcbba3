"""Turn a unified diff into file changes (path, mode, new bytes) without touching the work tree."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

ZERO = "0" * 40


class PatchError(RuntimeError):
    """The patch does not apply to the repository's HEAD."""


def _git(repo: Path, *args: str, env: dict[str, str], stdin: bytes | None = None) -> bytes:
    proc = subprocess.run(["git", "-C", str(repo), *args], input=stdin, capture_output=True, env=env)
    if proc.returncode != 0:
        raise PatchError(f"git {args[0]} failed: {proc.stderr.decode(errors='replace').strip()[:300]}")
    return proc.stdout


def patch_changes(repo: Path, patch: str) -> list[tuple[str, str, bytes | None]]:
    """[(path, mode, content or None when deleted)] that `patch` makes to HEAD, via a scratch index."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(tmp) / "index")}
        _git(repo, "read-tree", "HEAD", env=env)
        _git(repo, "apply", "--cached", "--whitespace=nowarn", "-", env=env, stdin=patch.encode())
        raw = _git(repo, "diff-index", "--cached", "--raw", "-z", "--no-renames", "HEAD", env=env)
        fields = raw.decode().split("\0")
        changes: list[tuple[str, str, bytes | None]] = []
        for meta, path in zip(fields[0::2], fields[1::2], strict=False):
            if not meta:
                continue
            _old_mode, new_mode, _old_sha, new_sha, status = meta.lstrip(":").split()
            if status == "D" or new_sha == ZERO:
                changes.append((path, "100644", None))
            else:
                changes.append((path, new_mode, _git(repo, "cat-file", "blob", new_sha, env=env)))
        return changes


def touched_files(patch: str) -> list[tuple[str, str]]:
    """[(path, "added" | "modified" | "deleted")] of a git-format diff, in its order."""
    files: list[tuple[str, str]] = []
    for block in patch.split("diff --git ")[1:]:
        header = block.split("\n@@", 1)[0]
        first = header.splitlines()[0]
        path = first.rsplit(" b/", 1)[-1].strip()
        kind = (
            "added"
            if "\nnew file mode" in header
            else "deleted"
            if "\ndeleted file mode" in header
            else "modified"
        )
        files.append((path, kind))
    return files
