"""Per-repository, per-version specifications and log parsers: SWE-bench's own, plus a user's specs file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from swebench.harness.constants import MAP_REPO_TO_REQS_PATHS, MAP_REPO_VERSION_TO_SPECS
from swebench.harness.log_parsers import MAP_REPO_TO_PARSER
from swebench.harness.log_parsers.python import (
    parse_log_django,
    parse_log_matplotlib,
    parse_log_pytest,
    parse_log_pytest_options,
    parse_log_pytest_v2,
    parse_log_seaborn,
    parse_log_sympy,
)
from swebench.harness.test_spec.python import get_test_directives
from swebench.harness.utils import get_modified_files

from repowright.agent.errors import UserError

SWEBENCH_VERSION = "4.1.0"  # the layout of swebench.harness this module reads (pinned in pyproject)
# Parsers a specs file may name with `"log_parser"`, for repositories SWE-bench does not know.
PARSERS_BY_NAME = {
    "pytest": parse_log_pytest,
    "pytest_options": parse_log_pytest_options,
    "pytest_v2": parse_log_pytest_v2,
    "django": parse_log_django,
    "sympy": parse_log_sympy,
    "seaborn": parse_log_seaborn,
    "matplotlib": parse_log_matplotlib,
}


class Specs:
    """SWE-bench's specifications, overlaid by a user's `{repo: {version: spec}}` JSON file."""

    def __init__(self, extra_file: Path | None = None) -> None:
        self.extra: dict[str, dict[str, dict[str, Any]]] = {}
        if extra_file is not None:
            try:
                self.extra = json.loads(Path(extra_file).read_text())
            except (OSError, json.JSONDecodeError) as exc:
                raise UserError(f"cannot read specs file {extra_file}: {exc}") from exc

    def spec(self, instance: dict) -> dict[str, Any]:
        """The specification of the instance's (repo, version)."""
        repo, version = instance["repo"], instance["version"]
        found = self.extra.get(repo, {}).get(version) or MAP_REPO_VERSION_TO_SPECS.get(repo, {}).get(version)
        if found is None:
            raise UserError(f"no specification for {repo} version {version!r}: add it with --specs FILE")
        return dict(found)

    def parser(self, instance: dict):
        """The log parser of the instance's repository: named in the spec, else SWE-bench's for the repo."""
        name = self.spec(instance).get("log_parser")
        if name is not None:
            if name not in PARSERS_BY_NAME:
                raise UserError(f"unknown log_parser {name!r}; choose one of {', '.join(PARSERS_BY_NAME)}")
            return PARSERS_BY_NAME[name]
        if instance["repo"] not in MAP_REPO_TO_PARSER:
            raise UserError(f'no log parser for {instance["repo"]}: name one in its spec ("log_parser")')
        return MAP_REPO_TO_PARSER[instance["repo"]]

    def requirement_paths(self, instance: dict) -> list[str]:
        """Where `packages: requirements.txt` is looked up in the repository."""
        spec = self.spec(instance)
        return list(
            spec.get("requirements_paths")
            or MAP_REPO_TO_REQS_PATHS.get(instance["repo"], ["requirements.txt"])
        )


def test_command(spec: dict[str, Any], instance: dict) -> str:
    """The test command as SWE-bench runs it: the spec's command followed by the test patch's test files."""
    cmd = spec["test_cmd"]
    cmd = cmd[-1] if isinstance(cmd, list) else cmd
    return " ".join([cmd, *get_test_directives(instance)])


def test_files(instance: dict) -> list[str]:
    """Files the test patch modifies (reset to the base commit before and after the run)."""
    return get_modified_files(instance["test_patch"])
