"""`eval swebench evaluate` over a calc world (conftest.py): its command line, run in-process or as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from repowright.agent.cli.main import app
from tests.cli import default_signals


def evaluate_argv(
    world: dict, dataset: Path, predictions: str, run_id: str, *extra: str, out: Path | None = None
) -> list[str]:
    """The command's arguments: the world's repositories (unless `extra` names --repos-dir), specs and caches."""
    repos = [] if "--repos-dir" in extra else ["--repos-dir", str(world["repos"])]
    return [
        "eval",
        "swebench",
        "evaluate",
        "--dataset",
        str(dataset),
        "--predictions",
        predictions,
        "--run-id",
        run_id,
        *repos,
        "--specs",
        str(world["specs"]),
        "--out",
        str(out or world["root"] / "out"),
        "--cache-dir",
        str(world["cache"]),
        *extra,
    ]


def evaluate(world: dict, dataset: Path, predictions: str, run_id: str, *extra: str) -> dict:
    """Run the command in-process with --json; it must succeed; its report."""
    result = CliRunner().invoke(app, [*evaluate_argv(world, dataset, predictions, run_id, *extra), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout[result.stdout.index("{") :])


def start(argv: list[str], **popen: Any) -> subprocess.Popen:
    """`repowright ARGV` in its own process, as a user would start it."""
    return subprocess.Popen(
        [sys.executable, "-m", "repowright.agent.cli.main", *argv], preexec_fn=default_signals, **popen
    )


def dataset_of(world: dict, name: str, ids: list[str]) -> Path:
    """A dataset file of the world's instances `ids`, all on its base commit."""
    return world["write_dataset"](
        world["root"] / f"{name}.jsonl", [world["make_instance"](i, world["base"]) for i in ids]
    )


def predictions_file(world: dict, name: str, patches: dict[str, str]) -> Path:
    """A predictions JSONL of one model, org/model, with `patches` by instance id."""
    path = world["root"] / f"{name}-predictions.jsonl"
    path.write_text(
        "".join(
            json.dumps({"instance_id": iid, "model_name_or_path": "org/model", "model_patch": patch}) + "\n"
            for iid, patch in patches.items()
        )
    )
    return path
