"""Repositories on the host: find the clone or bare mirror of an instance's repository, read files from git."""

from __future__ import annotations

import subprocess
from pathlib import Path

from repowright.agent.errors import UserError


def mirror_name(repo: str) -> str:
    """`owner/name` as SWE-bench names its folders: `owner__name`."""
    return repo.replace("/", "__")


def find_mirror(repos_dir: Path | None, repo: str) -> Path:
    """The git directory holding `repo` under `repos_dir` (a clone or a bare mirror named owner__name)."""
    if repos_dir is None:
        raise UserError(
            f"no local copy of {repo}: pass --repos-dir D with D/{mirror_name(repo)} "
            "(a clone or a bare mirror)"
        )
    for candidate in (repos_dir / mirror_name(repo), repos_dir / (mirror_name(repo) + ".git")):
        if candidate.exists():
            proc = subprocess.run(
                ["git", "-C", str(candidate), "rev-parse", "--git-dir"], capture_output=True, text=True
            )
            if proc.returncode == 0:
                return candidate.resolve()
    raise UserError(
        f"{repos_dir}/{mirror_name(repo)} is missing or not a git repository; "
        f"clone {repo} there (git clone --mirror https://github.com/{repo})"
    )


def has_commit(mirror: Path, commit: str) -> bool:
    """Whether the mirror holds `commit`."""
    proc = subprocess.run(
        ["git", "-C", str(mirror), "cat-file", "-e", f"{commit}^{{commit}}"], capture_output=True
    )
    return proc.returncode == 0


def git_show(mirror: Path, commit: str, path: str) -> str | None:
    """The text of `path` at `commit`, or None when it does not exist there (reads git objects only)."""
    proc = subprocess.run(["git", "-C", str(mirror), "show", f"{commit}:{path}"], capture_output=True)
    if proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8", errors="replace")
