"""Recorded logs of each supported framework, parsed by SWE-bench's parsers and graded as SWE-bench does."""

from __future__ import annotations

from pathlib import Path

import pytest

from repowright.evals.swebench.grading import grade, swebench_test_spec
from repowright.evals.swebench.specs import Specs

LOGS = Path(__file__).resolve().parents[2] / "data" / "swebench" / "logs"
T = "tests/test_outcomes.py::"
PYTEST_EXPECTED = {
    f"{T}test_passes": "PASSED",
    f"{T}test_param[1]": "PASSED",
    f"{T}test_xfails": "XFAIL",
    f"{T}test_errors": "ERROR",
    f"{T}test_fails": "FAILED",
    f"{T}test_param[2]": "FAILED",
}
U = "(tests.test_unit.TestOutcomes)"


def instance(repo: str, version: str, f2p=(), p2p=()) -> dict:
    return {
        "instance_id": "x__y-1",
        "repo": repo,
        "version": version,
        "FAIL_TO_PASS": list(f2p),
        "PASS_TO_PASS": list(p2p),
    }


def parse(repo: str, version: str, log_name: str) -> dict[str, str]:
    inst = instance(repo, version)
    return Specs().parser(inst)((LOGS / log_name).read_text(), swebench_test_spec(inst))


@pytest.mark.parametrize(
    "repo,version",
    [
        ("pytest-dev/pytest", "8.0"),
        ("sqlfluff/sqlfluff", "0.6"),
        ("pvlib/pvlib-python", "0.9"),
        ("pylint-dev/astroid", "2.14"),
        ("pydicom/pydicom", "2.3"),
        ("marshmallow-code/marshmallow", "3.0"),
        ("matplotlib/matplotlib", "3.5"),
        ("scikit-learn/scikit-learn", "1.3"),
    ],
)
def test_pytest_family(repo, version):
    parsed = parse(repo, version, "pytest.log")
    assert {k: v for k, v in parsed.items() if k.startswith(T)} == PYTEST_EXPECTED


@pytest.mark.parametrize(
    "repo,version",
    [("sphinx-doc/sphinx", "7.1"), ("astropy/astropy", "5.0"), ("scikit-learn/scikit-learn", "1.3")],
)
def test_coloured_pytest_output(repo, version):
    parsed = parse(repo, version, "pytest_color.log")
    assert {k: v for k, v in parsed.items() if k.startswith(T)} == PYTEST_EXPECTED


def test_django_runner_format():
    parsed = parse("django/django", "4.0", "unittest_django_style.log")
    assert parsed[f"test_passes {U}"] == "PASSED"
    assert parsed[f"test_fails {U}"] == "FAILED"
    assert parsed[f"test_errors {U}"] == "ERROR"
    assert parsed[f"test_skipped {U}"] == "SKIPPED"


def test_sympy_bin_test_format():
    parsed = parse("sympy/sympy", "1.12", "sympy.log")
    assert parsed["test_passes"] == "PASSED"
    assert parsed["test_fails"] == "FAILED"
    assert parsed["test_errors"] == "ERROR"
    assert "test_xfails" not in parsed and "test_skipped" not in parsed


def test_grading_follows_fail_to_pass_and_pass_to_pass():
    body = (LOGS / "pytest.log").read_text()
    log = f">>>>> Applied Patch (git apply):\n+ : '>>>>> Start Test Output'\n{body}\n+ : '>>>>> End Test Output'\n"
    specs = Specs()
    resolved = instance(
        "pytest-dev/pytest", "8.0", [f"{T}test_passes", f"{T}test_xfails"], [f"{T}test_param[1]"]
    )
    report = grade(resolved, {"model_patch": "diff"}, log, specs.parser(resolved))["x__y-1"]
    assert report["resolved"] and report["patch_successfully_applied"]
    broken = instance("pytest-dev/pytest", "8.0", [f"{T}test_passes"], [f"{T}test_param[2]"])
    report = grade(broken, {"model_patch": "diff"}, log, specs.parser(broken))["x__y-1"]
    assert not report["resolved"] and report["tests_status"]["PASS_TO_PASS"]["failure"] == [
        f"{T}test_param[2]"
    ]
    missing = instance("pytest-dev/pytest", "8.0", [f"{T}test_never_ran"])
    assert not grade(missing, {"model_patch": "diff"}, log, specs.parser(missing))["x__y-1"]["resolved"]


def test_logs_without_a_complete_run_are_not_graded():
    inst = instance("pytest-dev/pytest", "8.0", [f"{T}test_passes"])
    body = (LOGS / "pytest.log").read_text()
    for log in (
        f">>>>> Patch Apply Failed:\n{body}",
        f"+ : '>>>>> Start Test Output'\n{body}",
        f"+ : '>>>>> Start Test Output'\n{body}\n+ : '>>>>> End Test Output'\n>>>>> Tests Timed Out\n",
    ):
        report = grade(inst, {"model_patch": "diff"}, log, Specs().parser(inst))["x__y-1"]
        assert report == {
            "patch_is_None": False,
            "patch_exists": True,
            "patch_successfully_applied": False,
            "resolved": False,
        }


def test_cargo_test_format():
    parsed = _parse_by_repo("burntsushi/ripgrep", "cargo.log")
    assert parsed == {"tests::passes": "PASSED", "tests::fails": "FAILED"}


def test_node_tap_format():
    parsed = _parse_by_repo("axios/axios", "node_tap.log")
    assert parsed["- passes"] == "PASSED" and parsed["- fails"] == "FAILED"


def _parse_by_repo(repo: str, log_name: str) -> dict[str, str]:
    """Parse with SWE-bench's parser for `repo` (its specs name no version we evaluate, only the parser)."""
    from swebench.harness.log_parsers import MAP_REPO_TO_PARSER

    inst = instance(repo, "0")
    return MAP_REPO_TO_PARSER[repo]((LOGS / log_name).read_text(), swebench_test_spec(inst))
