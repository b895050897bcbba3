"""The whole harness on fixture instances: gold resolves, empty and wrong do not, a stale patch is reported."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.cli import isolated_folder, scrubbed_env
from tests.containers import own_containers
from tests.evals.swebench import commands
from tests.evals.swebench.commands import dataset_of, evaluate_argv, predictions_file

pytestmark = pytest.mark.docker


def evaluate(world: dict, dataset: Path, predictions: str, run_id: str, *extra: str) -> dict:
    return commands.evaluate(world, dataset, predictions, run_id, "--timeout", "300", *extra)


def test_gold_resolves_and_empty_does_not(calc_world):
    dataset = dataset_of(calc_world, "one", ["calc-1"])
    gold = evaluate(calc_world, dataset, "gold", "gold")
    assert gold["resolved_ids"] == ["calc-1"] and gold["error_ids"] == [] and gold["schema_version"] == 2
    folder = calc_world["root"] / "out" / "gold" / "gold" / "calc-1"
    assert {p.name for p in folder.iterdir()} >= {"patch.diff", "test_output.txt", "report.json"}
    report = json.loads((folder / "report.json").read_text())["calc-1"]
    assert report["tests_status"]["FAIL_TO_PASS"]["success"] == ["tests/test_calc.py::test_add"]
    assert "PASSED tests/test_calc.py::test_add" in (folder / "test_output.txt").read_text()
    empty = evaluate(calc_world, dataset, "empty", "empty")
    assert empty["resolved_ids"] == [] and empty["empty_patch_ids"] == ["calc-1"]


def test_wrong_stale_and_fuzzy_patches(calc_world):
    make, base = calc_world["make_instance"], calc_world["base"]
    gone = {**make("gone-1", base), "repo": "fixture/gone"}  # no copy of its repository in --repos-dir
    dataset = calc_world["write_dataset"](
        calc_world["root"] / "three.jsonl",
        [make(i, base) for i in ("calc-wrong", "calc-stale", "calc-fuzzy")] + [gone],
    )
    patches = calc_world["patches"]
    preds = predictions_file(
        calc_world,
        "mixed",
        {
            "calc-wrong": patches["wrong"],
            "calc-stale": patches["stale"],
            "calc-fuzzy": patches["fuzzy"],
            "gone-1": patches["gold"],
        },
    )
    report = evaluate(calc_world, dataset, str(preds), "mixed")
    assert report["unresolved_ids"] == ["calc-wrong"]
    assert report["error_ids"] == ["calc-stale", "gone-1"]
    assert "fixture__gone is missing" in report["repowright"]["errors"]["gone-1"]
    assert report["repowright"]["patch_apply_failed_ids"] == ["calc-stale"]
    # context drifted: git apply refuses it, the fuzzy fallback applies it, and the report says so
    assert report["resolved_ids"] == ["calc-fuzzy"]
    assert report["repowright"]["patch_applied_with"] == {
        "calc-fuzzy": "patch --fuzz=5",
        "calc-wrong": "git apply",
    }
    wrong = json.loads((calc_world["root"] / "out/mixed/org__model/calc-wrong/report.json").read_text())
    assert wrong["calc-wrong"]["tests_status"]["FAIL_TO_PASS"]["failure"] == ["tests/test_calc.py::test_add"]
    assert not (calc_world["root"] / "out/mixed/org__model/calc-stale/report.json").exists()


BLOCKING_PATCH = "\n".join(
    [
        "diff --git a/calc/__init__.py b/calc/__init__.py",
        "--- a/calc/__init__.py",
        "+++ b/calc/__init__.py",
        "@@ -3,7 +3,8 @@",
        " ",
        " def add(a, b):",
        '     """Return the sum of a and b."""',
        "-    return a - b",
        '+    __import__("time").sleep(3600)  # the tests of this instance block until the run is killed',
        "+    return a + b",
        " ",
        " ",
        " def mul(a, b):",
        "",
    ]
)


def test_killed_run_resumes_to_the_same_report(calc_world):
    ids = ["calc-r1", "calc-r2", "calc-r3"]
    dataset = dataset_of(calc_world, "resume", ids)
    patches = {
        "calc-r1": calc_world["patches"]["gold"],
        "calc-r2": calc_world["patches"]["wrong"],
        "calc-r3": "",
    }
    preds = predictions_file(calc_world, "resume", patches)
    straight = evaluate(calc_world, dataset, str(preds), "straight")
    # The killed run sees a calc-r2 whose tests never end, so it is killed while calc-r2 runs, whatever the load.
    blocking = predictions_file(calc_world, "blocking", {**patches, "calc-r2": BLOCKING_PATCH})
    proc = commands.start(
        [*evaluate_argv(calc_world, dataset, str(blocking), "killed"), "--json"],
        cwd=isolated_folder(calc_world["root"] / "cli"),
        env=scrubbed_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    folder = calc_world["root"] / "out/killed/org__model"
    while proc.poll() is None and not ((folder / "calc-r1/outcome.json").exists() and own_containers()):
        time.sleep(0.2)  # until calc-r1 is done and calc-r2's container runs (pytest-timeout bounds the wait)
    assert proc.poll() is None, proc.communicate()[1].decode()[-2000:]
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=120)
    assert own_containers() == []  # the killed run removed its container
    finished_before = {p.parent.name for p in folder.glob("*/outcome.json")}
    assert (
        finished_before == {"calc-r1"}
        and not (calc_world["root"] / "out/killed/org__model.killed.json").exists()
    )
    resumed = evaluate(calc_world, dataset, str(preds), "killed")
    drop = ("submitted_ids",)
    assert {k: v for k, v in resumed.items() if k not in drop and k != "report_path"} == {
        k: v for k, v in straight.items() if k not in drop and k != "report_path"
    }
    assert resumed["resolved_ids"] == ["calc-r1"] and resumed["unresolved_ids"] == ["calc-r2"]
