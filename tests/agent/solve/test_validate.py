"""Validation of candidate patches: pure helpers, and every check in a real Docker sandbox."""

from __future__ import annotations

import shutil

import pytest

from repowright.agent.solve.validate import (
    calling_test_files,
    changed_lines,
    changed_nodes,
    failing_tests,
    parse_errors,
    related_tests,
    still_pass,
    validate_patch,
)
from repowright.agent.solve.workspace import SessionFactory
from repowright.analyzers.knowledge_graph import build_knowledge_graph
from repowright.sandbox import ExecResult, Limits
from tests.agent.solve.scripted import DATA

REPO = DATA / "stats" / "repo"
GOOD = "\n".join(
    [
        "diff --git a/textstats/stats.py b/textstats/stats.py",
        "--- a/textstats/stats.py",
        "+++ b/textstats/stats.py",
        "@@ -5,7 +5,7 @@ def mean(values):",
        '     """The arithmetic mean of a non-empty sequence of numbers."""',
        "     if not values:",
        '         raise ValueError("mean of an empty sequence")',
        "-    return sum(values) / (len(values) - 1)",
        "+    return sum(values) / len(values)",
        " ",
        " ",
        " def spread(values):",
        "",
    ]
)
REPRO = {
    "path": "test_repro.py",
    "content": "from textstats.stats import mean\n\n\ndef test_mean():\n    assert mean([2, 4, 6]) == 4.0\n",
    "command": "python -m pytest -q -p no:cacheprovider test_repro.py",
}


def sessions(sandbox):
    return SessionFactory.with_limits(sandbox, Limits(timeout=60))


def test_changed_lines_and_parse_errors():
    assert changed_lines(GOOD) == {"textstats/stats.py": [(8, 8)]}
    added = (
        "diff --git a/n.py b/n.py\nnew file mode 100644\n--- /dev/null\n+++ b/n.py\n@@ -0,0 +1,2 @@\n+a\n+b\n"
    )
    assert changed_lines(added) == {"n.py": [(1, 2)]}
    removed = "--- a/m.py\n+++ b/m.py\n@@ -3,4 +3,2 @@\n x\n-y\n-z\n w\n"
    assert changed_lines(removed) == {"m.py": [(4, 4)]}
    assert parse_errors("a.py", "def f(:\n  pass\n").startswith("a.py:1: syntax error")
    assert parse_errors("a.py", "def f():\n    return 1\n") is None
    assert parse_errors("notes.txt", "def f(:") is None
    assert parse_errors("m.rs", "fn main() { let x = ; }") is not None


def test_related_tests_follow_imports_and_changed_names():
    assert related_tests(REPO, ["textstats/stats.py"], set(), set()) == ["tests/test_stats.py"]
    assert related_tests(REPO, ["textstats/words.py"], set(), set()) == []
    assert related_tests(REPO, ["textstats/words.py"], {"spread"}, set()) == ["tests/test_stats.py"]
    assert related_tests(REPO, ["textstats/stats.py"], set(), {"tests/test_stats.py"}) == []


def test_tests_that_reach_changed_code_through_calls_are_found(tmp_path):
    repo = DATA / "pricing" / "repo"
    kg = build_knowledge_graph(repo, cache_dir=tmp_path / "cache")
    nodes = changed_nodes(kg, {"shop/pricing.py": [(4, 7)]})
    assert nodes == ["shop/pricing.py::apply_discount"]
    assert calling_test_files(kg, nodes) == {"tests/test_invoice.py"}
    assert related_tests(repo, ["shop/pricing.py"], {"apply_discount"}, set()) == []
    assert related_tests(repo, ["shop/pricing.py"], set(), set(), {"tests/test_invoice.py"}) == [
        "tests/test_invoice.py"
    ]


@pytest.mark.docker
def test_a_good_patch_passes_every_check(docker_sandbox, tmp_path):
    v = validate_patch(
        sessions(docker_sandbox),
        REPO,
        GOOD,
        reproduction=REPRO,
        test_cmd=None,
        kg=build_knowledge_graph(REPO, cache_dir=tmp_path / "cache"),
    )
    assert v.checks == {
        "applies": True,
        "parses": True,
        "reproduction_fails_before": True,
        "reproduction_passes_after": True,
        "existing_tests_pass": True,
    }
    assert v.score == 5 and v.tests_run.endswith("tests/test_stats.py")


@pytest.mark.docker
def test_broken_patches_fail_the_right_checks(docker_sandbox):
    stale = GOOD.replace("(len(values) - 1)", "(len(values) - 2)")
    v = validate_patch(sessions(docker_sandbox), REPO, stale, reproduction=REPRO, test_cmd=None)
    assert v.checks["applies"] is False and v.checks["reproduction_fails_before"] is True
    assert "git apply" in v.details["applies"]
    syntax = GOOD.replace("+    return sum(values) / len(values)", "+    return sum(values) / len(values")
    v = validate_patch(
        sessions(docker_sandbox),
        REPO,
        syntax,
        reproduction=REPRO,
        test_cmd="python -m pytest -q -p no:cacheprovider tests",
    )
    assert v.checks["applies"] is True and v.checks["parses"] is False
    assert v.checks["reproduction_passes_after"] is False and v.checks["existing_tests_pass"] is False
    assert v.tests_run == "python -m pytest -q -p no:cacheprovider tests"


def result(code: int, stdout: str, timed_out: bool = False) -> ExecResult:
    return ExecResult(code, stdout, "", timed_out=timed_out)


QUIET_FAIL = (
    "F.\n=== FAILURES ===\n...\n=========================== short test summary info ===="
    "========================\nFAILED tests/test_a.py::test_x - assert 1 == 2\n1 failed, 1 passed in 0.03s\n"
)


def test_failing_tests_and_still_pass():
    assert failing_tests(result(1, QUIET_FAIL)) == {"tests/test_a.py::test_x"}
    assert failing_tests(result(124, QUIET_FAIL, timed_out=True)) is None
    assert failing_tests(result(2, "usage: something else\n")) is None
    assert still_pass(None, result(0, "2 passed in 0.01s")) == (True, "all passed")
    same = still_pass(result(1, QUIET_FAIL), result(1, QUIET_FAIL))
    assert same[0] is True and "failed before the patch too: tests/test_a.py::test_x" in same[1]
    new = still_pass(result(0, "2 passed in 0.01s"), result(1, QUIET_FAIL))
    assert new == (False, "newly failing: tests/test_a.py::test_x")
    assert still_pass(result(1, QUIET_FAIL), result(124, QUIET_FAIL, timed_out=True))[0] is False


@pytest.mark.docker
def test_tests_failing_before_the_patch_are_not_held_against_it(tmp_path, docker_sandbox):
    repo = tmp_path / "stats"
    shutil.copytree(REPO, repo)
    with (repo / "tests" / "test_stats.py").open("a") as handle:
        handle.write("\n\ndef test_known_broken():\n    assert spread([1]) == 1\n")
    v = validate_patch(sessions(docker_sandbox), repo, GOOD, reproduction=None, test_cmd=None)
    assert v.checks["existing_tests_pass"] is True
    assert (
        "failed before the patch too: tests/test_stats.py::test_known_broken" in v.details["existing_tests"]
    )
    spread_broken = "\n".join(
        [
            *GOOD.splitlines()[:3],
            "@@ -9,5 +9,5 @@",
            " ",
            " ",
            " def spread(values):",
            '     """The difference between the largest and the smallest value."""',
            "-    return max(values) - min(values)",
            "+    return 0",
            "",
        ]
    )
    v = validate_patch(sessions(docker_sandbox), repo, spread_broken, reproduction=None, test_cmd=None)
    assert v.checks["applies"] is True, v.details
    assert v.checks["existing_tests_pass"] is False
    assert "newly failing: tests/test_stats.py::test_spread" in v.details["existing_tests"]


def test_content_lines_that_look_like_file_headers_are_content():
    """A removed `-- x` line reads `--- x` and an added `++ y` reads `+++ y` in a diff (tests/data/dash_lines.diff)."""
    from pathlib import Path

    from repowright.agent.solve.report import _diff_lines

    patch = (Path(__file__).resolve().parents[2] / "data" / "dash_lines.diff").read_text()
    assert changed_lines(patch) == {"code.py": [(2, 2)], "notes.md": [(2, 2)]}
    kinds = dict((line, kind) for kind, line in _diff_lines(patch))
    assert (kinds["--- old rule"], kinds["+++ new rule"], kinds["--- a/notes.md"]) == ("del", "add", "meta")
