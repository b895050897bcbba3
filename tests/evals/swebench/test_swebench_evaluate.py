"""The whole harness on fixture instances: gold resolves, empty and wrong do not, a stale patch is reported."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from repowright.agent.cli.main import app

pytestmark = pytest.mark.docker
ROOT = Path(__file__).resolve().parents[3]


def evaluate(world: dict, dataset: Path, predictions: str, run_id: str, *extra: str) -> dict:
    args = ["eval", "swebench", "evaluate", "--dataset", str(dataset), "--predictions", predictions,
            "--run-id", run_id, "--repos-dir", str(world["repos"]), "--specs", str(world["specs"]),
            "--out", str(world["root"] / "out"), "--cache-dir", str(world["cache"]), "--timeout", "300",
            "--json", *extra]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout[result.stdout.index("{"):])


def predictions_file(world: dict, name: str, patches: dict[str, str]) -> Path:
    path = world["root"] / f"{name}-predictions.jsonl"
    path.write_text("".join(json.dumps({"instance_id": iid, "model_name_or_path": "org/model",
                                        "model_patch": patch}) + "\n" for iid, patch in patches.items()))
    return path


def test_gold_resolves_and_empty_does_not(calc_world):
    dataset = calc_world["write_dataset"](calc_world["root"] / "one.jsonl",
                                          [calc_world["make_instance"]("calc-1", calc_world["base"])])
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
    dataset = calc_world["write_dataset"](calc_world["root"] / "three.jsonl",
                                          [make(i, base) for i in ("calc-wrong", "calc-stale", "calc-fuzzy")] + [gone])
    patches = calc_world["patches"]
    preds = predictions_file(calc_world, "mixed", {"calc-wrong": patches["wrong"], "calc-stale": patches["stale"],
                                                   "calc-fuzzy": patches["fuzzy"], "gone-1": patches["gold"]})
    report = evaluate(calc_world, dataset, str(preds), "mixed")
    assert report["unresolved_ids"] == ["calc-wrong"]
    assert report["error_ids"] == ["calc-stale", "gone-1"]
    assert "fixture__gone is missing" in report["repowright"]["errors"]["gone-1"]
    assert report["repowright"]["patch_apply_failed_ids"] == ["calc-stale"]
    # context drifted: git apply refuses it, the fuzzy fallback applies it, and the report says so
    assert report["resolved_ids"] == ["calc-fuzzy"]
    assert report["repowright"]["patch_applied_with"] == {"calc-fuzzy": "patch --fuzz=5", "calc-wrong": "git apply"}
    wrong = json.loads((calc_world["root"] / "out/mixed/org__model/calc-wrong/report.json").read_text())
    assert wrong["calc-wrong"]["tests_status"]["FAIL_TO_PASS"]["failure"] == ["tests/test_calc.py::test_add"]
    assert not (calc_world["root"] / "out/mixed/org__model/calc-stale/report.json").exists()


def test_killed_run_resumes_to_the_same_report(calc_world):
    make, base = calc_world["make_instance"], calc_world["base"]
    ids = ["calc-r1", "calc-r2", "calc-r3"]
    dataset = calc_world["write_dataset"](calc_world["root"] / "resume.jsonl", [make(i, base) for i in ids])
    preds = predictions_file(calc_world, "resume", {"calc-r1": calc_world["patches"]["gold"],
                                                    "calc-r2": calc_world["patches"]["wrong"], "calc-r3": ""})
    straight = evaluate(calc_world, dataset, str(preds), "straight")
    argv = [sys.executable, "-m", "repowright.agent.cli.main", "eval", "swebench", "evaluate", "--dataset", str(dataset),
            "--predictions", str(preds), "--run-id", "killed", "--repos-dir", str(calc_world["repos"]),
            "--specs", str(calc_world["specs"]), "--out", str(calc_world["root"] / "out"),
            "--cache-dir", str(calc_world["cache"]), "--json"]
    proc = subprocess.Popen(argv, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    folder = calc_world["root"] / "out/killed/org__model"
    deadline = time.monotonic() + 240
    while not list(folder.glob("*/outcome.json")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    finished_before = {p.parent.name for p in folder.glob("*/outcome.json")}
    assert 1 <= len(finished_before) < 3 and not (calc_world["root"] / "out/killed/org__model.killed.json").exists()
    resumed = evaluate(calc_world, dataset, str(preds), "killed")
    drop = ("submitted_ids",)
    assert {k: v for k, v in resumed.items() if k not in drop and k != "report_path"} == \
        {k: v for k, v in straight.items() if k not in drop and k != "report_path"}
    assert resumed["resolved_ids"] == ["calc-r1"] and resumed["unresolved_ids"] == ["calc-r2"]
