"""`eval swebench evaluate|run` on bad predictions and unsafe names: bad rows are reported and the rest graded;
nothing is written outside --out; usage errors are one line with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import run_cli, usage_error
from tests.evals.swebench.commands import evaluate_argv


def evaluate_args(world: dict, dataset: Path, preds: Path, run_id: str, out: Path, *extra: str) -> list[str]:
    return evaluate_argv(world, dataset, str(preds), run_id, *extra, out=out)


def world_files(world: dict, name: str, rows: list) -> tuple[Path, Path]:
    dataset = world["write_dataset"](
        world["root"] / f"{name}.jsonl",
        [world["make_instance"](f"calc-{name}{i}", world["base"]) for i in (1, 2)],
    )
    preds = world["root"] / f"{name}-preds.json"
    preds.write_text(json.dumps(rows))
    return dataset, preds


@pytest.mark.docker
def test_bad_rows_are_reported_and_the_rest_graded(calc_world, tmp_path):
    good = {
        "instance_id": "calc-bad1",
        "model_name_or_path": "org/model",
        "model_patch": calc_world["patches"]["gold"],
    }
    rows = [
        [1, 2, 3],
        "a string",
        {"instance_id": ["calc-bad2"], "model_name_or_path": "org/model", "model_patch": ""},
        {"instance_id": "calc-bad2", "model_name_or_path": "org/model", "model_patch": 5},
        good,
    ]
    dataset, preds = world_files(calc_world, "bad", rows)
    proc = run_cli(
        *evaluate_args(calc_world, dataset, preds, "bad-rows", tmp_path / "out", "--json"), cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["resolved_ids"] == ["calc-bad1"] and report["submitted_instances"] == 1
    assert report["skipped_predictions"] == [
        "prediction 1 is a list, not an object",
        "prediction 2 is a str, not an object",
        "prediction 3 instance_id ['calc-bad2'] is not a non-empty string",
        "prediction 4 model_patch is a int, not a string (a diff) or null",
    ]
    assert proc.stderr.count("skipped:") == 4


def test_unsafe_names_and_mixed_models_are_refused(calc_world, tmp_path):
    out = tmp_path / "sub" / "out"
    for model, words in (("..", ["cannot name a folder"]), ("a\0b", ["cannot name a folder"])):
        dataset, preds = world_files(
            calc_world,
            "names",
            [{"instance_id": "calc-names1", "model_name_or_path": model, "model_patch": ""}],
        )
        usage_error(run_cli(*evaluate_args(calc_world, dataset, preds, "r", out), cwd=tmp_path), *words)
    dataset, preds = world_files(
        calc_world,
        "two",
        [
            {"instance_id": "calc-two1", "model_name_or_path": "m1", "model_patch": ""},
            {"instance_id": "calc-two2", "model_name_or_path": "m2", "model_patch": ""},
        ],
    )
    usage_error(
        run_cli(*evaluate_args(calc_world, dataset, preds, "r", out), cwd=tmp_path),
        "2 models",
        "split the file",
    )
    dataset, preds = world_files(
        calc_world, "ok", [{"instance_id": "calc-ok1", "model_name_or_path": "m", "model_patch": ""}]
    )
    usage_error(
        run_cli(*evaluate_args(calc_world, dataset, preds, "../../x", out), cwd=tmp_path),
        "--run-id",
        "not a plain name",
    )
    proc = run_cli(*evaluate_args(calc_world, dataset, preds, "r", out, "--timeout", "0"), cwd=tmp_path)
    assert proc.returncode == 2 and "--timeout" in proc.stderr
    assert not (tmp_path / "sub").exists() and not (tmp_path / "x").exists()  # nothing written anywhere


def test_run_without_repos_dir_is_a_usage_error(calc_world, tmp_path):
    dataset, _ = world_files(calc_world, "run", [])
    proc = run_cli(
        "eval", "swebench", "run", "--dataset", str(dataset), "--out", str(tmp_path / "run"), cwd=tmp_path
    )
    usage_error(proc, "--repos-dir is required")
    assert not (tmp_path / "run").exists()
