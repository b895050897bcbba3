"""Virtualenvs built on the host from PyPI packages only, cached by a key, with a manifest written last.

Repository code never runs here: requirements come from files read as text (see `detect` and the SWE-bench
specifications), and only PyPI packages are installed (`installer`). A manifest written last marks a complete
build; failures are cached too, with why, so a broken requirement does not cost a rebuild every run.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..atomic import atomic_write
from ..errors import UserError
from .installer import Installer, InstallError, install_in_steps

PYENV_ROOT = Path("/root/.pyenv/versions")
MANIFEST = "repowright-env.json"
BUILD_TOOLS = ["pip", "setuptools", "wheel"]  # pip too: an install step may run pip inside the sandbox
# Without uv there is no date cutoff for old Pythons: the last releases that still support them.
OLD_PYTHON_TOOLS = ["pip<22", "setuptools<60", "wheel<0.38"]


class EnvBuildError(RuntimeError):
    """The environment could not be built; the message says which step and why."""


@dataclass
class Environment:
    """A built environment: where it lives and how it was made."""

    path: Path
    python: str  # X.Y
    manifest: dict

    @property
    def site_packages(self) -> Path:
        return self.path / "lib" / f"python{self.python}" / "site-packages"


@dataclass
class Recipe:
    """What goes into an environment: the interpreter, PyPI requirements, optional constraints, a date cutoff."""

    python: str  # X.Y
    requirements: list[str]
    interpreter: Path
    constraints: list[str] | None = None
    cutoff: str | None = None
    notes: list[str] | None = None
    steps: list[list[str]] | None = None  # install in these steps (a later pin replaces an earlier one)


def find_interpreter(version: str) -> Path:
    """The newest pyenv interpreter X.Y.Z for X.Y, else the one running repowright when it is X.Y (a CI runner
    has no pyenv; the sandbox mounts this interpreter's installation read-only)."""
    candidates = sorted(
        (p for p in PYENV_ROOT.glob(f"{version}.*") if (p / "bin/python").exists()),
        key=lambda p: [int(x) for x in re.findall(r"\d+", p.name)],
    )
    if candidates:
        return candidates[-1] / "bin" / "python"
    base = Path(os.path.realpath(sys.base_prefix)) / "bin" / f"python{version}"
    if version == f"{sys.version_info[0]}.{sys.version_info[1]}" and base.exists():
        return base
    raise EnvBuildError(
        f"no Python {version} interpreter under {PYENV_ROOT} (and this one is "
        f"{sys.version_info[0]}.{sys.version_info[1]})"
    )


def is_local_or_option(req: str) -> bool:
    """Whether a requirement line names a path, a file: URL or a pip option rather than a PyPI package."""
    text = req.split(";")[0].strip()
    return (
        text.startswith(("-", ".", "/", "~"))
        or "file:" in text
        or bool(re.search(r"@\s*(?!https?://|git\+https?://)\S", text))
    )


def cached_environment(
    path: Path,
    make_recipe: Callable[[], Recipe],
    extra: dict | None = None,
    *,
    timeout: float = 1800,
    after: Callable[[Path], None] | None = None,
) -> tuple[Environment, bool]:
    """The environment at `path`, built now from `make_recipe()` unless a finished build is there; and whether it
    was built now. A cached failure raises EnvBuildError again, saying how to retry."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(str(path) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel workers on one environment build it once
        manifest = path / MANIFEST
        if manifest.exists():
            data = json.loads(manifest.read_text())
            if data.get("status") == "ok":
                return Environment(path, data["python"], data), False
            raise EnvBuildError(f"cached failure ({path.name}): {data.get('error')}; delete {path} to retry")
        return build_environment(path, make_recipe, dict(extra or {}), timeout=timeout, after=after), True


def build_environment(
    path: Path,
    make_recipe: Callable[[], Recipe],
    manifest: dict,
    *,
    timeout: float = 1800,
    after: Callable[[Path], None] | None = None,
) -> Environment:
    """Create the virtualenv at `path`, install the recipe, then run `after(path)` (a further step that may raise
    EnvBuildError); the manifest records the outcome either way."""
    shutil.rmtree(path, ignore_errors=True)  # a half-built environment from an interrupted run
    start = time.monotonic()
    installer = None
    try:
        recipe = make_recipe()
        manifest.update(
            python=recipe.python,
            requirements=recipe.requirements,
            notes=recipe.notes or [],
            interpreter=str(recipe.interpreter),
        )
        installer = Installer(recipe.interpreter, recipe.python, recipe.cutoff, timeout=timeout)
        manifest.update(tool=installer.tool, cutoff=installer.cutoff)
        installer.create(path)
        if installer.uv:
            installer.install(path, BUILD_TOOLS)
        else:  # no uv: pip first, alone (a venv's first pip may not honour Requires-Python), then tools
            installer.install(path, OLD_PYTHON_TOOLS[:1])
            installer.install(path, OLD_PYTHON_TOOLS[1:])
        steps = recipe.steps or ([recipe.requirements] if recipe.requirements else [])
        manifest.update(steps=steps)
        manifest["binary_only"] = install_in_steps(installer, path, steps, recipe.constraints)
        if after is not None:
            after(path)
        manifest.update(status="ok", packages=installer.freeze(path))
    except (EnvBuildError, InstallError, UserError) as exc:
        manifest.update(status="failed", error=str(exc)[-2000:])
    manifest["build_seconds"] = round(time.monotonic() - start, 1)
    path.mkdir(parents=True, exist_ok=True)
    (path / "build.log").write_text("\n".join(installer.log if installer else []))
    atomic_write(path / MANIFEST, json.dumps(manifest, indent=2))
    if manifest["status"] != "ok":
        raise EnvBuildError(manifest["error"])
    return Environment(path, manifest["python"], manifest)
