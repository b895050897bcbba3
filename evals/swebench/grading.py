"""Grade a test log exactly as SWE-bench does: its markers, its parsers, its FAIL_TO_PASS/PASS_TO_PASS rules."""

from __future__ import annotations

from collections.abc import Callable

from swebench.harness.constants import (
    APPLY_PATCH_FAIL,
    END_TEST_OUTPUT,
    FAIL_ONLY_REPOS,
    RESET_FAILED,
    START_TEST_OUTPUT,
    TESTS_ERROR,
    TESTS_TIMEOUT,
    EvalType,
    ResolvedStatus,
)
from swebench.harness.grading import get_eval_tests_report, get_resolution_status
from swebench.harness.test_spec.test_spec import TestSpec

Parser = Callable[[str, TestSpec], dict[str, str]]


def swebench_test_spec(instance: dict) -> TestSpec:
    """SWE-bench's TestSpec for the fields its parsers and grading read (no scripts: we make our own)."""
    return TestSpec(
        instance_id=instance["instance_id"],
        repo=instance["repo"],
        version=instance["version"],
        repo_script_list=[],
        eval_script_list=[],
        env_script_list=[],
        arch="x86_64",
        FAIL_TO_PASS=instance["FAIL_TO_PASS"],
        PASS_TO_PASS=instance["PASS_TO_PASS"],
        language="py",
        docker_specs={},
        namespace=None,
    )


def status_map_from_log(log: str, parser: Parser, spec: TestSpec) -> tuple[dict[str, str], bool]:
    """(test -> status, whether the log holds a complete test run), following swebench's get_logs_eval."""
    if any(code in log for code in (APPLY_PATCH_FAIL, RESET_FAILED, TESTS_ERROR, TESTS_TIMEOUT)):
        return {}, False
    if START_TEST_OUTPUT not in log or END_TEST_OUTPUT not in log:
        return {}, False
    section = log.split(START_TEST_OUTPUT)[1].split(END_TEST_OUTPUT)[0]
    return parser(section, spec) or parser(log, spec), True


def grade(instance: dict, prediction: dict, log: str, parser: Parser) -> dict:
    """SWE-bench's per-instance report ({instance_id: {patch_is_None, ..., resolved, tests_status}})."""
    iid = instance["instance_id"]
    entry = {
        "patch_is_None": prediction.get("model_patch") is None,
        "patch_exists": False,
        "patch_successfully_applied": False,
        "resolved": False,
    }
    if entry["patch_is_None"]:
        return {iid: entry}
    entry["patch_exists"] = True
    spec = swebench_test_spec(instance)
    status_map, found = status_map_from_log(log, parser, spec)
    if not found:
        return {iid: entry}
    entry["patch_successfully_applied"] = True
    eval_ref = {
        "instance_id": iid,
        "FAIL_TO_PASS": instance["FAIL_TO_PASS"],
        "PASS_TO_PASS": instance["PASS_TO_PASS"],
    }
    eval_type = EvalType.FAIL_ONLY if instance["repo"] in FAIL_ONLY_REPOS else EvalType.PASS_AND_FAIL
    report = get_eval_tests_report(status_map, eval_ref, eval_type=eval_type)
    entry["resolved"] = get_resolution_status(report) == ResolvedStatus.FULL.value
    entry["tests_status"] = report
    return {iid: entry}
