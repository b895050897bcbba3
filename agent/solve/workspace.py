"""The agent's working copy: a sandbox session holding the repository, with a git baseline for diffs.

The host checkout is never touched here; every read, edit and command goes through the session.
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from repowright.sandbox import ExecResult, Limits, Mount, Sandbox, SandboxError, Session
from repowright.sandbox.image import base_image_tag, sandbox_path

from ..config import SandboxConfig
from ..env.prepare import SANDBOX_VENV
from ..repo_files import select_files, tar_selection

GIT = "git -c user.name=repowright -c user.email=repowright@localhost -c core.autocrlf=false"
# Never part of a patch: caches and build output that tests and tools leave behind.
IGNORED = (
    "__pycache__/",
    "*.pyc",
    ".pytest_cache/",
    ".mypy_cache/",
    ".ruff_cache/",
    "target/",
    "node_modules/",
    ".repowright/",
)


class WorkspaceError(RuntimeError):
    """A file operation the model asked for cannot be done; the message is shown to the model."""


def python_environment(sandbox: Sandbox, venv: Path | None = None) -> tuple[list[Mount], dict[str, str]]:
    """Mount the repository's environment `venv` (or, when None, this interpreter's own) read-only and put it
    first on PATH, so `python -m pytest` runs the repository's tests with its dependencies."""
    # A registry image (for example a SWE-bench instance image) brings the repository's own environment: keep it.
    if sandbox.isolated and getattr(sandbox, "image", None) not in (None, base_image_tag()):
        return [], {}
    if venv is not None:
        inside = SANDBOX_VENV if sandbox.isolated else str(venv)
        mounts = [Mount(str(venv), SANDBOX_VENV)] if sandbox.isolated else []
        return mounts, {"PATH": f"{inside}/bin:{sandbox_path()}", "VIRTUAL_ENV": inside}
    # Our environment's pytest plugins (langsmith's, from langgraph) are not the repository's and cost seconds
    # per run: tests run without plugin autoloading.
    quiet = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    if not sandbox.isolated:
        return [], {"PATH": f"{sys.prefix}/bin:{sandbox_path()}", **quiet}
    return [Mount(sys.prefix, SANDBOX_VENV)], {"PATH": f"{SANDBOX_VENV}/bin:{sandbox_path()}", **quiet}


PYTEST = "python -m pytest -q -p no:cacheprovider"  # how the repository's tests run, everywhere in solve


def pytest_command(paths: list[str] | tuple[str, ...] = ()) -> str:
    """pytest over `paths` (test files or node ids), or over the whole repository when none are given."""
    return " ".join([PYTEST, *(shlex.quote(p) for p in paths)])


@dataclass(frozen=True)
class SessionFactory:
    """Opens sandbox sessions with the run's limits and the Python environment mounted; shared, read-only.

    Every session of a solve (each candidate's workspace, each validation) comes from here, so the
    configured memory, CPUs, pids, network and timeout reach all of them.
    """

    sandbox: Sandbox
    limits: Limits
    mounts: tuple[Mount, ...] = ()
    env: tuple[tuple[str, str], ...] = ()

    @classmethod
    def for_run(
        cls, sandbox: Sandbox, settings: SandboxConfig, *, timeout: float, venv: Path | None = None
    ) -> SessionFactory:
        """The factory for `settings`' limits, with `timeout` per command and `venv` (else ours) mounted."""
        limits = Limits(
            timeout=timeout,
            memory=settings.memory,
            cpus=settings.cpus,
            pids=settings.pids,
            network=settings.network,
        )
        return cls.with_limits(sandbox, limits, venv)

    @classmethod
    def with_limits(cls, sandbox: Sandbox, limits: Limits, venv: Path | None = None) -> SessionFactory:
        mounts, env = python_environment(sandbox, venv)
        return cls(sandbox, limits, tuple(mounts), tuple(env.items()))

    @property
    def timeout(self) -> float:
        return self.limits.timeout

    def open(self) -> Session:
        """A fresh session (a context manager: closing it removes the container)."""
        return self.sandbox.session(limits=self.limits, mounts=list(self.mounts), env=dict(self.env))


def check_relative(path: str) -> str:
    """A normalised repository-relative path; absolute paths and `..` are refused."""
    clean = PurePosixPath(path.strip())
    if not str(clean) or clean.is_absolute() or ".." in clean.parts:
        raise WorkspaceError(f"path {path!r} must be relative to the repository root, without '..'")
    return str(clean)


class Workspace:
    """A repository copy in a sandbox session; `diff()` is the change against the copy as it arrived."""

    def __init__(
        self,
        session: Session,
        repo: Path,
        *,
        timeout: float = 120.0,
        exclude_from_diff: tuple[str, ...] = (),
        include_secrets: bool = False,
    ) -> None:
        self.session = session
        self.repo = repo
        self.timeout = timeout
        # What git would track, secret files left out (unless the user opted in): the model reads this copy.
        self.selection = select_files(repo, include_secrets=include_secrets)
        session.put_archive(tar_selection(repo, self.selection.files))
        self.baseline(exclude_from_diff)

    def baseline(self, exclude_from_diff: tuple[str, ...] = ()) -> None:
        """Commit the current tree as the baseline that `diff()` compares against."""
        excludes = "\n".join((*IGNORED, *exclude_from_diff)) + "\n"
        script = (
            f"git init -q . && printf %s {shlex.quote(excludes)} > .git/info/exclude && "
            f"{GIT} add -A && {GIT} commit -q --allow-empty -m baseline"
        )
        result = self.git_exec(script, timeout=max(120.0, self.timeout))
        if result.exit_code != 0:
            raise SandboxError(
                f"could not record the repository baseline: {(result.stderr or result.stdout)[:300]}"
            )

    def git_exec(self, script: str, timeout: float | None = None) -> ExecResult:
        return self.session.exec(script, timeout=timeout or self.timeout, env={"GIT_CONFIG_NOSYSTEM": "1"})

    def exec(self, command: str, timeout: float | None = None) -> ExecResult:
        """Run a shell command in the repository copy."""
        return self.session.exec(command, timeout=min(timeout or self.timeout, self.timeout))

    def read_text(self, path: str) -> str:
        rel = check_relative(path)
        try:
            data = self.session.read_file(rel)
        except SandboxError as exc:
            raise WorkspaceError(
                f"{rel} does not exist or is not a file; list the directory to see what is there"
            ) from exc
        return data.decode("utf-8", errors="replace")

    def exists(self, path: str) -> bool:
        rel = check_relative(path)
        return self.session.exec(["test", "-e", rel], timeout=30).exit_code == 0

    def write_text(self, path: str, text: str) -> None:
        self.session.put_files({check_relative(path): text})

    def list_dir(self, path: str = ".") -> list[str]:
        rel = check_relative(path) if path not in ("", ".", "/") else "."
        result = self.session.exec(["ls", "-1Ap", rel], timeout=30)
        if result.exit_code != 0:
            raise WorkspaceError(f"{path} is not a directory in the repository")
        return [name for name in result.stdout.splitlines() if name not in (".git/",)]

    def diff(self) -> str:
        """The unified diff (git format, a/ b/ prefixes) of every change since the baseline, new files included."""
        result = self.git_exec(f"{GIT} add -A && {GIT} diff --cached --no-color --no-ext-diff --binary")
        if result.exit_code != 0:
            raise SandboxError(f"git diff failed in the sandbox: {result.stderr[:300]}")
        return result.stdout

    def changed_files(self) -> list[str]:
        result = self.git_exec(f"{GIT} add -A && {GIT} diff --cached --name-only --diff-filter=AM")
        return [line for line in result.stdout.splitlines() if line]

    def restore(self, patch: str) -> None:
        """Apply `patch` (a `diff()` of an earlier workspace) on the baseline: how a resumed candidate gets its
        work back in a fresh sandbox."""
        if not patch.strip():
            return
        self.session.put_files({".git/resume.diff": patch})  # inside .git: never part of the tree or the diff
        result = self.git_exec(f"{GIT} apply --binary .git/resume.diff")
        if result.exit_code != 0:
            raise SandboxError(
                f"could not restore the candidate's changes: {(result.stderr or result.stdout)[:300]}"
            )

    def reset(self) -> None:
        """Throw away every change since the baseline."""
        self.git_exec(f"{GIT} reset -q --hard && {GIT} clean -qfd")
