"""The environment a repository's checks run in: `--env auto|none|PATH`, and `--setup CMD` from the user.

- auto: requirements detected from the repository's files (`detect`), installed from PyPI on the host into a
  virtualenv cached under the user cache by the hash of those files; nothing of the repository runs here.
- --setup CMD: an empty virtualenv (pip and pytest in it), then CMD run inside the sandbox on a copy of the
  repository, with that virtualenv mounted writable and the network on for this step only; cached by the
  command and the repository's dependency files. The command comes from the user, never from the repository.
- PATH: an existing virtualenv, used as it is.  none: no environment (repowright's own interpreter).
A build that fails is reported, never hidden: the checks still run, but the result cannot be `patched`.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repowright.analyzers.cache import cache_home
from repowright.sandbox import Limits, Mount, Sandbox
from repowright.sandbox.image import sandbox_path

from ..errors import UserError
from ..repo_files import select_files, tar_selection
from .build import EnvBuildError, Environment, Recipe, cached_environment, find_interpreter
from .detect import detect_requirements, wanted_python

SANDBOX_VENV = "/opt/repowright-venv"  # outside the work dir, so git and pytest never walk it
SETUP_TIMEOUT = 1800.0


@dataclass
class RepoEnvironment:
    """Where the checks' Python environment is (None: repowright's own), how it came about, and any error."""

    mode: str  # built | cached | given | none | failed
    venv: Path | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "venv": str(self.venv) if self.venv else None,
            "error": self.error,
            "notes": self.notes,
        }


def environments_dir() -> Path:
    return cache_home() / "envs"


def prepare_environment(
    repo: Path, choice: str, sandbox: Sandbox, *, setup: str | None = None
) -> RepoEnvironment:
    """The environment for `choice` (auto, none, or a virtualenv's path); a failed build is returned, not
    raised, so the run goes on and says why its checks are not trusted."""
    if choice == "none":
        return RepoEnvironment("none", notes=["--env none: the checks run with repowright's own interpreter"])
    if choice != "auto":
        return RepoEnvironment("given", given_virtualenv(Path(choice)))
    try:
        env, built = setup_environment(repo, setup, sandbox) if setup else detected_environment(repo)
    except EnvBuildError as exc:
        return RepoEnvironment("failed", error=f"the repository's environment could not be built: {exc}")
    return RepoEnvironment(
        "built" if built else "cached", env.path, notes=list(env.manifest.get("notes", []))
    )


def given_virtualenv(path: Path) -> Path:
    """`--env PATH` checked: a folder with pyvenv.cfg and bin/python."""
    path = path.expanduser().resolve()
    if not (path / "pyvenv.cfg").is_file() or not (path / "bin" / "python").exists():
        raise UserError(
            f"--env {path} is not a virtualenv (no pyvenv.cfg or bin/python); give one, or use "
            "--env auto or --env none"
        )
    return path


def detected_environment(repo: Path) -> tuple[Environment, bool]:
    """The environment the repository's files ask for, from the cache or built now."""
    found = detect_requirements(repo)
    python = wanted_python(found.requires_python)

    def recipe() -> Recipe:
        return Recipe(
            python,
            found.requirements,
            find_interpreter(python),
            constraints=found.constraints or None,
            notes=found.notes,
        )

    path = environments_dir() / f"py{python}-{found.key(python)}"
    return cached_environment(path, recipe, {"kind": "detected", "files": sorted(found.files)})


def setup_environment(repo: Path, command: str, sandbox: Sandbox) -> tuple[Environment, bool]:
    """A virtualenv filled by the user's setup `command`, run in the sandbox with the network on."""
    found = detect_requirements(repo)
    python = wanted_python(found.requires_python)
    key = hashlib.sha256(f"{command}\0{found.key(python)}".encode()).hexdigest()[:16]

    def recipe() -> Recipe:
        return Recipe(python, ["pytest"], find_interpreter(python), notes=[f"setup command: {command}"])

    def run_setup(venv: Path) -> None:
        run_setup_command(sandbox, repo, venv, command)

    return cached_environment(
        environments_dir() / f"setup-py{python}-{key}",
        recipe,
        {"kind": "setup", "command": command},
        after=run_setup,
    )


def run_setup_command(sandbox: Sandbox, repo: Path, venv: Path, command: str) -> None:
    """Run `command` on a copy of `repo` in the sandbox, `venv` writable and first on PATH, network on."""
    for folder, _dirs, files in os.walk(venv):  # the sandbox user (uid 1000) installs into it
        os.chmod(folder, 0o777)
        for name in files:
            if not os.path.islink(os.path.join(folder, name)):
                os.chmod(
                    os.path.join(folder, name), 0o666 | (os.stat(os.path.join(folder, name)).st_mode & 0o111)
                )
    inside = SANDBOX_VENV if sandbox.isolated else str(venv)
    mounts = [Mount(str(venv), SANDBOX_VENV, read_only=False)] if sandbox.isolated else []
    env = {
        "PATH": f"{inside}/bin:{sandbox_path()}",
        "VIRTUAL_ENV": inside,
        "HOME": "/tmp",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_INPUT": "1",
    }
    limits = Limits(timeout=SETUP_TIMEOUT, memory="4g", cpus=2.0, pids=1024, network="host")
    with sandbox.session(limits=limits, mounts=mounts, env=env) as session:
        session.put_archive(tar_selection(repo, select_files(repo).files))
        result = session.exec(command, timeout=SETUP_TIMEOUT)
    if not result.ok:
        tail = (result.stderr or result.stdout).strip()[-600:]
        raise EnvBuildError(
            f"the setup command failed (exit {result.exit_code}"
            f"{', timed out' if result.timed_out else ''}): {tail}"
        )
