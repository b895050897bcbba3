"""SWE-bench instance environments: the specification's requirements, built by the core environment builder.

No conda and no image registry exist here, so an environment is a virtualenv made from the pyenv
interpreter the spec names, filled from PyPI with packages only (`repowright.agent.env`), in the official
harness's steps (`install_steps`): the spec's packages or the requirements file read from git objects (never a
checkout), then pip_packages, then the dependencies the project declares, read statically (`static_meta`) after
the spec's pre_install edits; a later step's pin replaces an earlier one. Repository code never runs on the host; the
repository's own install step runs later, inside the sandbox, with no network and this environment
mounted read-only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path

import yaml

from repowright.agent.config import SwebenchConfig
from repowright.agent.env.build import (
    EnvBuildError,
    Environment,
    Recipe,
    cached_environment,
    find_interpreter,
    is_local_or_option,
)
from repowright.agent.env.installer import SWEBENCH_IMAGES_DATE, resolution_cutoff
from repowright.agent.env.static_meta import declared_dependencies
from repowright.agent.errors import UserError

from .install_steps import DEPENDENCY_FILES, apply_pre_install, flatten
from .repos import find_mirror, git_show
from .specs import Specs

BUILDER_VERSION = "6"  # 6: installs in the official harness's steps; exact pins exempt from the cutoff
log = logging.getLogger(__name__)
__all__ = [
    "EnvBuildError",
    "EnvCache",
    "Environment",
    "find_interpreter",
    "instance_environment",
    "is_local_or_option",
    "requirement_steps",
    "requirements_for",
]


def _conda_to_pip(spec: str) -> str | None:
    """A conda package spec as a pip requirement (`name=1.2` -> `name==1.2`); None for python and pip."""
    name = re.split(r"[=<>! ]", spec.strip(), maxsplit=1)[0]
    if name in ("python", "pip", "") or "::" in spec:
        return None
    rest = spec.strip()[len(name) :].strip()
    if rest.startswith("=") and not rest.startswith("=="):
        rest = "==" + rest[1:].split("=")[0]
    return name + rest


def _requirements_text(mirror: Path, commit: str, paths: list[str]) -> str:
    """The spec's requirements file at `commit`, `-r` includes followed, editable self-installs dropped."""
    for path in paths:
        text = git_show(mirror, commit, path)
        if text is None:
            continue
        lines: list[str] = []
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith("-r"):
                include = os.path.normpath(os.path.join(os.path.dirname(path), stripped[2:].strip()))
                lines += (git_show(mirror, commit, include) or "").splitlines()
            else:
                lines.append(line)
        kept = [
            ln
            for ln in lines
            if not any(ln.strip().startswith(x) for x in ("-e .", "#", ".[test", "-e", "."))
        ]
        from swebench.harness.test_spec.python import clean_requirements

        return clean_requirements("\n".join(kept))
    raise EnvBuildError(f"no requirements file at {', '.join(paths)} in commit {commit[:12]}")


def _extras_of(install_cmd: str) -> list[str]:
    """Extras named by an install command like `pip install -e .[dev,test]`."""
    match = re.search(r"\.\[([\w,\- ]+)\]", install_cmd or "")
    return [x.strip() for x in match.group(1).split(",")] if match else []


def requirement_steps(instance: dict, specs: Specs, mirror: Path) -> tuple[list[list[str]], list[str]]:
    """(pip requirements per install step, notes), in the official harness's order, gathered without running code.

    Steps: the environment's packages, the spec's pip_packages, then what the install command pulls in
    (the declared dependencies after the pre_install edits); a later step's pin replaces an earlier one.
    """
    spec, commit, notes = specs.spec(instance), instance["environment_setup_commit"], []
    env_reqs: list[str] = []
    packages = spec.get("packages", "")
    if packages == "requirements.txt":
        env_reqs += [
            ln
            for ln in _requirements_text(mirror, commit, specs.requirement_paths(instance)).splitlines()
            if ln.strip()
        ]
    elif packages == "environment.yml":
        text = git_show(mirror, commit, spec.get("environment_file", "environment.yml"))
        if text is None:
            raise EnvBuildError(f"no environment.yml in commit {commit[:12]}")
        for dep in yaml.safe_load(text).get("dependencies", []):
            if isinstance(dep, dict):
                env_reqs += dep.get("pip", [])
            elif (req := _conda_to_pip(str(dep))) is not None:
                env_reqs.append(req)
        notes.append("conda packages from environment.yml installed from PyPI under the same names")
    elif packages:
        env_reqs += [r for p in packages.split() if (r := _conda_to_pip(p)) is not None]
    files = {name: text for name in DEPENDENCY_FILES if (text := git_show(mirror, commit, name)) is not None}
    notes += apply_pre_install(list(spec.get("pre_install") or []), files)
    declared = declared_dependencies(files)
    notes += declared.unresolved
    steps = []
    for step in (
        env_reqs,
        list(spec.get("pip_packages") or []),
        declared.for_extras(_extras_of(spec.get("install", ""))),
    ):
        kept = []
        # pip drops a requirements file's inline comments (`pkg<2  # why`); on a command line they are an error
        for req in dict.fromkeys(c for r in step if (c := re.sub(r"\s+#.*$", "", r).strip())):
            if is_local_or_option(req):
                notes.append(
                    f"requirement left out (a local path or a pip option, which would build or point "
                    f"at code outside PyPI on the host): {req}"
                )
            else:
                kept.append(req)
        if kept:
            steps.append(kept)
    return steps, notes


def requirements_for(instance: dict, specs: Specs, mirror: Path) -> tuple[list[str], list[str]]:
    """(all pip requirements of all steps, notes): what the environment is asked to hold."""
    steps, notes = requirement_steps(instance, specs, mirror)
    return flatten(steps), notes


def env_key(instance: dict, spec: dict, as_of: str = "") -> str:
    """The cache key: repository, version, environment commit, what the spec asks for, the date floor."""
    ident = json.dumps(
        [
            instance["repo"],
            instance["version"],
            instance["environment_setup_commit"],
            {k: spec.get(k) for k in ("python", "packages", "pip_packages", "pre_install", "install")},
            BUILDER_VERSION,
            as_of,
        ],
        sort_keys=True,
    )
    return hashlib.sha256(ident.encode()).hexdigest()[:16]


class EnvCache:
    """Builds environments into `root` once and hands out the cached ones afterwards."""

    def __init__(
        self,
        root: Path,
        specs: Specs,
        *,
        build_timeout: float = SwebenchConfig().env_build_timeout,
        as_of: str = SWEBENCH_IMAGES_DATE,
    ) -> None:
        self.root = Path(root).resolve()
        self.specs = specs
        self.build_timeout = build_timeout
        self.as_of = as_of

    def path_for(self, instance: dict) -> Path:
        spec = self.specs.spec(instance)
        key = env_key(instance, spec, self.as_of)
        return self.root / instance["repo"].replace("/", "__") / f"{instance['version']}-{key}"

    def get(self, instance: dict, mirror: Path) -> tuple[Environment, bool]:
        """The instance's environment and whether it was built now (False: it came from the cache)."""

        def recipe() -> Recipe:
            python = str(self.specs.spec(instance).get("python", "3.9"))
            steps, notes = requirement_steps(instance, self.specs, mirror)
            cutoff = resolution_cutoff(mirror, instance["environment_setup_commit"], self.as_of)
            return Recipe(
                python, flatten(steps), find_interpreter(python), cutoff=cutoff, notes=notes, steps=steps
            )

        manifest = {
            "repo": instance["repo"],
            "version": instance["version"],
            "environment_setup_commit": instance["environment_setup_commit"],
        }
        return cached_environment(self.path_for(instance), recipe, manifest, timeout=self.build_timeout)


def instance_environment(envs: EnvCache, repos_dir: Path | None) -> Callable[[dict], str]:
    """For `run`: the environment `solve` checks an instance in (solve's --env), built from its specification;
    "auto" (detection from the checkout's files) when the specification's cannot be built."""

    def choose(instance: dict) -> str:
        try:
            env, _ = envs.get(instance, find_mirror(repos_dir, instance["repo"]))
        except (EnvBuildError, UserError) as exc:
            log.warning(
                "%s: the specification's environment failed (%s); detecting one",
                instance["instance_id"],
                str(exc)[:300],
            )
            return "auto"
        return str(env.path)

    return choose
