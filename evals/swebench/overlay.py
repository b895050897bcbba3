"""Packages an instance's base commit declares beyond its cached environment, installed beside it.

An environment is cached per environment commit, but a base commit may declare a dependency the
environment commit did not (or a newer version). SWE-bench's images install at the base commit with a
network; here the difference is installed on the host with `pip install --target` into a small overlay
directory that the sandbox puts ahead of the environment, cached by its requirement list.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from repowright.agent.env.installer import SWEBENCH_IMAGES_DATE, Installer, InstallError, resolution_cutoff
from repowright.agent.env.static_meta import declared_dependencies

from .envs import EnvBuildError, Environment, _extras_of, is_local_or_option
from .repos import git_show

DONE = "repowright-overlay.json"


def installed_versions(env: Environment) -> dict[str, str]:
    """{canonical name: version} from the environment's recorded `pip freeze`."""
    out: dict[str, str] = {}
    for line in env.manifest.get("packages", []):
        name, sep, version = line.partition("==")
        if sep:
            out[canonicalize_name(name)] = version
    return out


def marker_env(python: str) -> dict[str, str]:
    """The marker values of a CPython `python` (X.Y) on Linux, for evaluating `; python_version < ...`."""
    return {
        "python_version": python,
        "python_full_version": python + ".0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
        "platform_machine": "x86_64",
        "extra": "",
    }


def missing_requirements(instance: dict, spec: dict, env: Environment, mirror: Path) -> list[str]:
    """Requirements declared at the base commit that the environment lacks or holds at a wrong version."""
    files = {
        name: text
        for name in ("setup.py", "setup.cfg", "pyproject.toml")
        if (text := git_show(mirror, instance["base_commit"], name)) is not None
    }
    wanted = declared_dependencies(files).for_extras(_extras_of(spec.get("install", "")))
    have, markers, missing = installed_versions(env), marker_env(env.python), []
    project = canonicalize_name(re.sub(r"^.*/", "", instance["repo"]))
    for text in wanted:
        if is_local_or_option(text):
            continue
        try:
            req = Requirement(text)
        except InvalidRequirement:
            continue
        name = canonicalize_name(req.name)
        if name == project or (req.marker is not None and not req.marker.evaluate(markers)):
            continue
        version = have.get(name)
        try:
            satisfied = version is not None and (
                not req.specifier or req.specifier.contains(Version(version), prereleases=True)
            )
        except InvalidVersion:
            satisfied = True
        if not satisfied:
            missing.append(text)
    return sorted(set(missing))


def overlay_for(
    instance: dict, spec: dict, env: Environment, mirror: Path, root: Path, as_of: str = SWEBENCH_IMAGES_DATE
) -> Path | None:
    """The overlay directory holding what the base commit needs beyond `env`, built once; None if nothing."""
    missing = missing_requirements(instance, spec, env, mirror)
    if not missing:
        return None
    key = hashlib.sha256(json.dumps([str(env.path), missing, as_of]).encode()).hexdigest()[:16]
    path = root / "overlays" / key
    if (path / DONE).exists():
        return path
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    installer = Installer(
        Path(env.manifest["interpreter"]),
        env.python,
        resolution_cutoff(mirror, instance["base_commit"], as_of),
    )
    try:
        binary_only = installer.install(env.path, missing, target=path)
    except InstallError as exc:
        shutil.rmtree(path, ignore_errors=True)
        raise EnvBuildError(
            f"installing the base commit's extra requirements {missing} failed: {exc}"
        ) from exc
    (path / DONE).write_text(json.dumps({"requirements": missing, "binary_only": binary_only}))
    return path
