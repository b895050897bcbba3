"""What of a repository enters the sandbox: the files git would track, never secret files unless asked.

In a git work tree the list is `git ls-files -co --exclude-standard` (tracked plus untracked-but-not-ignored);
elsewhere the `.gitignore` files are applied with pathspec. Secret files (`.env*`, keys, `.netrc`, `.pypirc`,
credentials) stay out even when tracked, because a copy in the sandbox is readable by the model's tools.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pathspec

from repowright.analyzers.discover import ignore_spec, is_ignored
from repowright.analyzers.secret_files import is_secret_file

ALWAYS_LEFT_OUT = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    ".repowright",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
)
# A repository's own git configuration may name programs (fsmonitor, hooks); listing files must not run them.
SAFE_GIT = (
    "git",
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "core.untrackedCache=false",
)


@dataclass
class Selection:
    """The files to copy in (repository-relative posix paths) and the secret files left out."""

    files: list[str]
    secrets_left_out: list[str] = field(default_factory=list)


def select_files(root: Path, *, include_secrets: bool = False) -> Selection:
    """The files of `root` that git would track, minus secret files unless `include_secrets`."""
    root = Path(root)
    listed = git_listed(root)
    paths = listed if listed is not None else gitignore_listed(root)
    kept, secrets = [], []
    for path in sorted(set(paths)):
        if any(part in ALWAYS_LEFT_OUT for part in PurePosixPath(path).parts):
            continue
        if not include_secrets and is_secret_file(path):
            secrets.append(path)
            continue
        if os.path.lexists(root / path):  # ls-files also lists tracked files deleted from the work tree
            kept.append(path)
    return Selection(kept, secrets)


def git_listed(root: Path) -> list[str] | None:
    """`git ls-files -co --exclude-standard` under `root`, or None when `root` is not in a git work tree."""
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0"}
    try:
        inside = subprocess.run(
            [*SAFE_GIT, "rev-parse", "--is-inside-work-tree"],
            cwd=root,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        if inside.returncode != 0 or inside.stdout.strip() != "true":
            return None
        done = subprocess.run(
            [*SAFE_GIT, "ls-files", "-z", "-co", "--exclude-standard", "--", "."],
            cwd=root,
            capture_output=True,
            env=env,
            timeout=600,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return [p for p in done.stdout.decode("utf-8", "surrogateescape").split("\0") if p]


def gitignore_listed(root: Path) -> list[str]:
    """Every file under `root` that its `.gitignore` files (nested ones too) do not ignore."""
    found: list[str] = []
    specs: list[tuple[str, pathspec.PathSpec]] = []  # (folder prefix, its rules), outermost first
    for folder, dirs, files in os.walk(root):
        rel = Path(folder).relative_to(root).as_posix()
        prefix = "" if rel == "." else rel + "/"
        specs = [(p, s) for p, s in specs if prefix.startswith(p)]
        spec = ignore_spec(Path(folder))
        if spec is not None:
            specs.append((prefix, spec))
        dirs[:] = sorted(
            d for d in dirs if d not in ALWAYS_LEFT_OUT and not is_ignored(prefix + d, True, specs)
        )
        found += [prefix + f for f in sorted(files) if not is_ignored(prefix + f, False, specs)]
    return found


def tar_selection(root: Path, files: list[str]) -> bytes:
    """A tar archive of the selected files of `root` (folders created as needed, symlinks kept as links)."""

    def owned(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 1000
        info.uname = info.gname = "sandbox"
        return info

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for path in files:
            full = root / path
            if full.is_dir() and not full.is_symlink():  # a submodule: its files, without its .git
                for sub in sorted(p for p in full.rglob("*") if ".git" not in p.relative_to(full).parts):
                    tar.add(str(sub), arcname=sub.relative_to(root).as_posix(), recursive=False, filter=owned)
            else:
                tar.add(str(full), arcname=path, recursive=False, filter=owned)
    return buf.getvalue()
