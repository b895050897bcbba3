"""`eval swebench evaluate --executor ray` on a real multi-node Ray cluster on loopback: the local executor's
report, outcomes on several nodes, a node lost mid-run, an interrupted and a killed driver."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from repowright.agent.cli.main import app
from repowright.agent.errors import UserError
from repowright.agent.executor import run_label
from repowright.sandbox.docker_sandbox import LABEL, docker_client, remove_labelled
from tests.evals.swebench import commands
from tests.evals.swebench.commands import dataset_of, evaluate_argv
from tests.ray_cluster import add_node, descendants, non_loopback_listeners

pytestmark = pytest.mark.docker
ROOT = Path(__file__).resolve().parents[3]
SMALL = ("--cpus", "1", "--memory", "1g", "--timeout", "300")


def argv(world: dict, dataset: Path, predictions: str, run_id: str, *extra: str) -> list[str]:
    return [*evaluate_argv(world, dataset, predictions, run_id, *SMALL, *extra), "--json"]


def evaluate(world: dict, dataset: Path, predictions: str, run_id: str, *extra: str) -> dict:
    return commands.evaluate(world, dataset, predictions, run_id, *SMALL, *extra)


def on_ray(cluster, workers: int) -> tuple[str, ...]:
    return ("--executor", "ray", "--ray-address", cluster.address, "--workers", str(workers))


def driver(world: dict, dataset: Path, predictions: str, run_id: str, *extra: str) -> subprocess.Popen:
    """The command in its own process, as a user would start it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
    return commands.start(
        argv(world, dataset, predictions, run_id, *extra),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def same_report(report: dict) -> dict:
    """The report without what differs between executors: its path and the executor section."""
    out = {k: v for k, v in report.items() if k != "report_path"}
    out["repowright"] = {k: v for k, v in report["repowright"].items() if k != "executor"}
    return out


def outcomes(world: dict, run_id: str) -> dict[str, dict]:
    folder = world["root"] / "out" / run_id
    return {p.parent.name: json.loads(p.read_text()) for p in folder.glob("*/*/outcome.json")}


def run_containers(world: dict, run_id: str) -> list:
    label = run_label(world["root"] / "out" / run_id)
    return docker_client().containers.list(
        all=True, sparse=True, filters={"label": [LABEL, f"repowright.run={label}"]}
    )


def wait_for(condition, timeout: float = 240.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        assert proc is None or proc.poll() is None, (
            proc.stderr.read().decode() if proc and proc.stderr else ""
        )
        time.sleep(0.2)


def test_ray_gives_the_local_report_with_outcomes_on_two_nodes(calc_world, ray_cluster):
    dataset = dataset_of(calc_world, "ray-same", ["same-1", "same-2", "same-3"])
    template = f"file://{calc_world['repos']}/{{owner}}__{{name}}"  # each node clones from it
    for predictions in ("gold", "empty"):
        local = evaluate(calc_world, dataset, predictions, f"local-{predictions}", "--workers", "2")
        ray = evaluate(
            calc_world,
            dataset,
            predictions,
            f"ray-{predictions}",
            *on_ray(ray_cluster, 2),
            "--repos-dir",
            template,
        )
        assert same_report(ray) == same_report(local)
        assert ray["repowright"]["executor"] == {"kind": "ray", "retried_tasks": 0, "retried": {}}
        ran = outcomes(calc_world, f"ray-{predictions}")
        assert len({o["node"] for o in ran.values()}) == 2  # one CPU per node, two tasks at once
        assert {o["node"] for o in outcomes(calc_world, f"local-{predictions}").values()} == {"local"}
    assert local["empty_patch_ids"] == ["same-1", "same-2", "same-3"]
    gold = calc_world["root"] / "out/ray-gold/gold"
    assert sorted(p.name for p in (gold / "same-2").iterdir()) == [
        "outcome.json",
        "patch.diff",
        "report.json",
        "test_output.txt",
    ]
    assert json.loads((gold / "same-2/report.json").read_text())["same-2"]["resolved"] is True
    assert not run_containers(calc_world, "ray-gold")
    assert (calc_world["cache"] / "repos" / "fixture__calc" / "HEAD").exists()
    # every socket the cluster listens on is on loopback
    assert not non_loopback_listeners(descendants(os.getpid()))


def test_a_node_removed_mid_run_loses_nothing(calc_world, ray_cluster):
    ids = ["lost-1", "lost-2", "lost-3", "lost-4"]
    dataset = dataset_of(calc_world, "ray-lost", ids)
    doomed = add_node(ray_cluster)
    proc = driver(calc_world, dataset, "gold", "lost", *on_ray(ray_cluster, 3))
    try:
        wait_for(lambda: len(run_containers(calc_world, "lost")) >= 3, proc=proc)  # a task on every node
        ray_cluster.remove_node(doomed)
        assert proc.wait(timeout=600) == 0, proc.stderr.read().decode()
    finally:
        proc.kill()
    report = json.loads(next((calc_world["root"] / "out/lost").glob("*.lost.json")).read_text())
    assert report["resolved_ids"] == ids and report["error_ids"] == []
    retried = report["repowright"]["executor"]["retried"]
    assert report["repowright"]["executor"]["retried_tasks"] == len(retried) >= 1
    for nodes in retried.values():  # started on the removed node, finished on another
        assert nodes[0].endswith(doomed.node_id) and not nodes[-1].endswith(doomed.node_id)
    assert {o["node"] for o in outcomes(calc_world, "lost").values()}.isdisjoint(
        {n[0] for n in retried.values()}
    )
    remove_labelled({"repowright.run": run_label(calc_world["root"] / "out/lost")})  # the dead node's


def test_interrupted_and_killed_drivers_resume_and_leave_no_containers(calc_world, ray_cluster):
    ids = [f"drv-{i}" for i in range(1, 7)]
    dataset = dataset_of(calc_world, "ray-driver", ids)
    for sig, code in ((signal.SIGINT, 130), (signal.SIGTERM, 128 + signal.SIGTERM)):
        proc = driver(calc_world, dataset, "gold", "driver", *on_ray(ray_cluster, 2))
        try:  # Ctrl-C or SIGTERM while two tasks run: both cancelled, their containers gone on every node
            wait_for(lambda: len(run_containers(calc_world, "driver")) >= 2, proc=proc)
            proc.send_signal(sig)
            assert proc.wait(timeout=120) == code, proc.stderr.read().decode()[-3000:]
        finally:
            proc.kill()
        assert not run_containers(calc_world, "driver")
    before = set(outcomes(calc_world, "driver"))
    assert len(before) < len(ids)

    proc = driver(calc_world, dataset, "gold", "driver", *on_ray(ray_cluster, 2))
    try:  # SIGKILL once one more instance is written: nothing can clean up, the next run must
        wait_for(lambda: len(set(outcomes(calc_world, "driver")) - before) >= 1, proc=proc)
        proc.kill()
        proc.wait(timeout=60)
    finally:
        proc.kill()
    written = set(outcomes(calc_world, "driver"))
    assert before < written < set(ids)

    resumed = evaluate(calc_world, dataset, "gold", "driver", *on_ray(ray_cluster, 2))
    assert resumed["resolved_ids"] == ids and resumed["error_ids"] == []
    assert not run_containers(calc_world, "driver")


def test_an_unready_cluster_is_refused_with_one_line_per_node_and_piece(calc_world, ray_cluster, tmp_path):
    dataset = dataset_of(calc_world, "ray-unready", ["unready-1"])
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the environment cache should be")
    args = argv(calc_world, dataset, "gold", "unready", *on_ray(ray_cluster, 1))
    args[args.index("--cache-dir") + 1] = str(blocker / "envs")
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, UserError), result.output
    lines = [line for line in str(result.exception).splitlines() if "environment cache" in line]
    assert len(lines) == 2 and all(line.strip().startswith("node ") for line in lines)
    assert not (calc_world["root"] / "out/unready").exists()
