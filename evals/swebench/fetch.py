"""Repositories from a git URL template (`https://github.com/{owner}/{name}.git`), for clusters without
shared storage: each node keeps its own bare mirror under its cache, cloned on first use, fetched again
when a commit is missing. Only git runs: nothing of the repository executes."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from pathlib import Path

from repowright.agent.errors import UserError

from .repos import has_commit, mirror_name

FIELDS = ("{owner}", "{name}")


def is_url_template(value: str) -> bool:
    """Whether `--repos-dir` names a URL template rather than a folder."""
    return "://" in value or any(field in value for field in FIELDS)


def mirror_url(template: str, repo: str) -> str:
    """The template filled in for `owner/name`."""
    if not all(field in template for field in FIELDS):
        raise UserError(
            f"--repos-dir {template} is neither a folder nor a URL template with {{owner}} and "
            "{name}; e.g. https://github.com/{owner}/{name}.git"
        )
    owner, _, name = repo.partition("/")
    return template.replace("{owner}", owner).replace("{name}", name)


def fetch_mirror(template: str, repo: str, root: Path, commits: tuple[str, ...] = ()) -> Path:
    """This node's bare mirror of `repo` under `root`, holding `commits` if upstream has them; returns `root`
    (the folder that holds owner__name, as --repos-dir would)."""
    root.mkdir(parents=True, exist_ok=True)
    dest = root / mirror_name(repo)
    with open(root / f".{mirror_name(repo)}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # tasks on one node clone each repository once
        if not (dest / "HEAD").exists():
            part = Path(str(dest) + ".part")
            shutil.rmtree(part, ignore_errors=True)  # what a killed clone left
            _git(["clone", "-q", "--mirror", mirror_url(template, repo), str(part)], repo)
            part.rename(dest)
        elif not all(has_commit(dest, c) for c in commits):
            _git(["-C", str(dest), "fetch", "-q", "--prune", "origin"], repo)
    return root


def _git(argv: list[str], repo: str) -> None:
    proc = subprocess.run(["git", *argv], capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        raise UserError(f"cannot fetch {repo}: git {argv[0]} failed ({proc.stderr.strip()[-300:]})")
