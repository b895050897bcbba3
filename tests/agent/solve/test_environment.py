"""The repository's own environment for every check: built from its dependency files (here a PyPI package its
tests import), or from the user's --setup command; a dependency that cannot be installed makes the result
`unverified` with an environment error, never `patched`."""

from __future__ import annotations

import json

import pytest

from repowright.agent.solve import solve_issue
from repowright.agent.solve.trajectory import read_trajectory
from tests.agent.solve.scripted import StepResponder, copy_fixture, reproduction, settings_for
from tests.scripted_server import Reply, ScriptedServer

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("no_leftover_containers")]
MISSING = "repowright-no-such-package-7f3a"  # not on PyPI: the environment cannot be built
FAKE_HUMANIZE = (
    "python -c \"import pathlib, sysconfig; pathlib.Path(sysconfig.get_paths()['purelib'], "
    "'humanize.py').write_text('def intcomma(n):\\n    return format(n, \\\",\\\")\\n')\""
)


def script() -> StepResponder:
    return StepResponder(
        {
            "reproduce": [
                reproduction(
                    "test_repro_total.py",
                    "from ledger.report import total\n\n\n"
                    "def test_first_entry_counts():\n"
                    "    assert total([{'amount': 1000}, {'amount': 2500}]) == 3500\n",
                )
            ],
            "act": [
                Reply(
                    tool_calls=[
                        (
                            "edit_file",
                            {"path": "ledger/report.py", "search": "entries[1:]", "replace": "entries"},
                        )
                    ]
                ),
                Reply(tool_calls=[("run_tests", {"paths": ["tests/test_report.py"]})]),
                Reply(tool_calls=[("submit", {"summary": "count the first entry too"})]),
            ],
        }
    )


def solve(tmp_path, docker_sandbox, **options):
    repo, issue = copy_fixture("ledger", tmp_path)
    if options.pop("missing", False):
        pyproject = repo / "pyproject.toml"
        pyproject.write_text(pyproject.read_text().replace("humanize>=4", MISSING))
    responder = script()
    with ScriptedServer(responder=responder) as srv:
        result = solve_issue(
            repo, issue, settings_for(srv.base_url), tmp_path / "out", sandbox=docker_sandbox, **options
        )
    tools = [r for r in read_trajectory(tmp_path / "out" / "trajectory.jsonl") if r["type"] == "tool_call"]
    return result, next(t for t in tools if t["name"] == "run_tests")


def test_checks_run_in_the_environment_built_from_the_repository_files(tmp_path, docker_sandbox, user_cache):
    result, run_tests = solve(tmp_path, docker_sandbox)
    assert result.status == "patched", result.to_dict()
    assert set(result.checks.values()) == {True} and result.environment_errors == {}
    assert result.environment["mode"] == "built" and result.environment["venv"].startswith(str(user_cache))
    assert "1 passed" in run_tests["result"]  # the agent's own test run had humanize too
    candidate = json.loads((tmp_path / "out" / "result.json").read_text())["candidates"][0]
    assert "tests/test_report.py" in candidate["details"]["existing_tests"]
    again, _ = solve(tmp_path / "second", docker_sandbox)
    assert again.environment["mode"] == "cached" and again.environment["venv"] == result.environment["venv"]


def test_a_dependency_that_cannot_be_installed_leaves_the_patch_unverified(tmp_path, docker_sandbox):
    result, run_tests = solve(tmp_path, docker_sandbox, missing=True)
    assert result.status == "unverified" and result.patch, result.to_dict()
    assert result.environment["mode"] == "failed" and MISSING in result.environment["error"]
    assert "could not be built" in result.reason and MISSING in result.reason
    assert result.checks["existing_tests_pass"] is None  # neither passed nor failed: it could not run
    assert "'humanize' is not installed" in result.environment_errors["existing_tests_pass"]
    assert result.patched  # still a patch to look at, but never called verified


def test_the_setup_command_fills_the_environment_inside_the_sandbox(tmp_path, docker_sandbox):
    result, run_tests = solve(tmp_path, docker_sandbox, missing=True, setup=FAKE_HUMANIZE)
    assert result.status == "patched", result.to_dict()
    assert result.environment["mode"] == "built" and "setup-" in result.environment["venv"]
    assert set(result.checks.values()) == {True}


def test_env_none_shows_the_missing_dependency_as_an_environment_error(tmp_path, docker_sandbox):
    result, run_tests = solve(tmp_path, docker_sandbox, env="none")
    assert result.environment["mode"] == "none"
    assert (
        result.checks["existing_tests_pass"] is None
        and "humanize" in result.environment_errors["existing_tests_pass"]
    )
    assert result.checks["reproduction_passes_after"] is True and result.status == "patched"
