"""Instances per minute for `eval swebench evaluate` with the local executor and on a 2-node Ray cluster.

    python -m repowright.evals.bench_scale [--instances 8] [--workers 2]
    python -m repowright.evals.bench_scale --dataset DEV.jsonl --repos-dir D --instance-ids ID[,ID...] [--specs S]

The same evaluation (gold predictions, environments cached by a warm-up pass that is not timed) runs
with `--executor local` and then on a Ray cluster started here (`ray.cluster_utils.Cluster`, a head and
one more node, one CPU each, bound to 127.0.0.1). Without --dataset the instances are copies of the
shipped fixture (tests/data/swebench/calc: a bug in add(), its gold and test patches).

Ray overhead per task: for each instance, the time from handing it to the executor until its result is
back on the driver, minus the evaluation's own seconds (outcome.json); the same figure for the local
executor is printed beside it. Cluster start and node checks are one-off costs, printed apart.
Writes evals/results/bench_scale.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from repowright.agent.executor import Executor, Finished, Item, Resources, make_executor
from repowright.evals.swebench.evaluate import EvalOptions, evaluate
from repowright.evals.swebench.instances import load_instances
from repowright.evals.swebench.predictions import load_predictions
from repowright.evals.swebench.specs import Specs
from repowright.sandbox import Limits, make_sandbox

RESULTS = Path(__file__).resolve().parent / "results" / "bench_scale.json"
FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "data" / "swebench" / "calc"
FIXTURE_SPEC = {
    "python": "3.11",
    "pip_packages": ["pytest"],
    "install": "python -m pip install -e .",
    "test_cmd": "pytest -rA",
    "log_parser": "pytest",
}


class Timed:
    """An executor that notes when each item is handed over and when its result is back."""

    def __init__(self, inner: Executor) -> None:
        self.inner = inner
        self.handed: dict[str, float] = {}
        self.back: dict[str, float] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def map(self, fn, items: Iterable[Item], resources: Resources) -> Iterator[Finished]:
        def noted() -> Iterator[Item]:
            for key, args in items:
                self.handed[key] = time.monotonic()
                yield key, args

        for done in self.inner.map(fn, noted(), resources):
            self.back[done.key] = time.monotonic()
            yield done


def fixture_world(work: Path, count: int) -> tuple[Path, Path, Path]:
    """A bare mirror of the fixture repository, `count` instances on it and their specs file."""
    repo = work / "calc"
    shutil.copytree(FIXTURE / "repo", repo)
    git = ["git", "-C", str(repo), "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "calc with a bug"]):
        subprocess.run(git + args, check=True, capture_output=True)
    base = subprocess.run(
        git + ["rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    repos = work / "repos"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo), str(repos / "fixture__calc")], check=True)
    instances = [
        {
            "instance_id": f"calc-{i}",
            "repo": "fixture/calc",
            "version": "1.0",
            "base_commit": base,
            "environment_setup_commit": base,
            "patch": (FIXTURE / "gold.diff").read_text(),
            "test_patch": (FIXTURE / "test.diff").read_text(),
            "problem_statement": "add() subtracts",
            "FAIL_TO_PASS": json.dumps(["tests/test_calc.py::test_add"]),
            "PASS_TO_PASS": json.dumps(["tests/test_calc.py::test_mul", "tests/test_calc.py::test_neg"]),
        }
        for i in range(count)
    ]
    dataset = work / "instances.jsonl"
    dataset.write_text("".join(json.dumps(i) + "\n" for i in instances))
    specs = work / "specs.json"
    specs.write_text(json.dumps({"fixture/calc": {"1.0": FIXTURE_SPEC}}))
    return dataset, repos, specs


def timed_run(
    name: str, instances: list[dict], predictions: dict, opts: EvalOptions, executor: Executor
) -> dict:
    """One evaluation through `executor`: wall time, instances per minute, overhead per task."""
    timed = Timed(executor)
    start = time.monotonic()
    report, _ = evaluate(instances, predictions, opts, make_sandbox("docker"), executor=timed)  # type: ignore[arg-type]
    wall = time.monotonic() - start
    folder = opts.out_dir / opts.run_id
    seconds = {p.parent.name: json.loads(p.read_text())["seconds"] for p in folder.glob("*/*/outcome.json")}
    overheads = [timed.back[k] - timed.handed[k] - seconds[k] for k in timed.back]
    return {
        "executor": name,
        "wall_seconds": round(wall, 1),
        "instances": len(instances),
        "instances_per_minute": round(len(instances) / wall * 60, 2),
        "overhead_per_task_mean": round(statistics.mean(overheads), 3),
        "overhead_per_task_median": round(statistics.median(overheads), 3),
        "overhead_per_task_max": round(max(overheads), 3),
        "resolved": report["resolved_instances"],
        "nodes": sorted({json.loads(p.read_text())["node"] for p in folder.glob("*/*/outcome.json")}),
    }


def start_cluster() -> Any:
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"  # keep Ray on 127.0.0.1
    from ray.cluster_utils import Cluster

    node: dict[str, Any] = {
        "num_cpus": 1,
        "node_ip_address": "127.0.0.1",
        "object_store_memory": 80 << 20,
        "memory": 3 << 30,
    }
    cluster = Cluster(initialize_head=True, head_node_args={**node, "include_dashboard": False})
    cluster.add_node(**node)
    cluster.wait_for_nodes()
    return cluster


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset")
    parser.add_argument("--repos-dir", type=Path)
    parser.add_argument("--instance-ids", help="comma-separated")
    parser.add_argument("--specs", type=Path)
    parser.add_argument("--instances", type=int, default=8, help="copies of the fixture instance")
    parser.add_argument("--workers", type=int, default=2, help="tasks at once, both executors")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    if args.dataset:
        dataset, repos, specs = args.dataset, args.repos_dir, args.specs
    else:
        dataset, repos, specs = fixture_world(work, args.instances)
    ids = args.instance_ids.split(",") if args.instance_ids else []
    instances = load_instances(str(dataset), instance_ids=ids)
    predictions = load_predictions("gold", instances)

    def options(run_id: str) -> EvalOptions:
        return EvalOptions(
            run_id=run_id,
            out_dir=work / "runs",
            cache_dir=work / "envs",
            repos_dir=Path(repos).resolve(),
            workers=args.workers,
            limits=Limits(timeout=1800, memory="1g", cpus=1, pids=4096),
            specs=Specs(specs),
        )

    evaluate(
        instances[:1],
        {instances[0]["instance_id"]: predictions[instances[0]["instance_id"]]},
        options("warm-up"),
        make_sandbox("docker"),
    )  # builds the environment: not timed
    runs = [
        timed_run("local", instances, predictions, options("local"), make_executor("local", args.workers))
    ]
    start = time.monotonic()
    cluster = start_cluster()
    try:
        ray_executor = make_executor("ray", args.workers, cluster.address)
        setup = time.monotonic() - start
        try:
            runs.append(timed_run("ray", instances, predictions, options("ray"), ray_executor))
        finally:
            ray_executor.close()
    finally:
        cluster.shutdown()
    result = {
        "dataset": str(dataset),
        "workers": args.workers,
        "runs": runs,
        "ray_cluster_start_and_connect_seconds": round(setup, 1),
    }
    print(
        f"{'executor':9} {'instances':>9} {'wall s':>8} {'inst/min':>9} {'overhead/task s (mean, median, max)':>36}"
        "  resolved  nodes"
    )
    for run in runs:
        print(
            f"{run['executor']:9} {run['instances']:9} {run['wall_seconds']:8.1f} {run['instances_per_minute']:9.2f} "
            f"{run['overhead_per_task_mean']:>14.3f} {run['overhead_per_task_median']:>9.3f} "
            f"{run['overhead_per_task_max']:>9.3f}    {run['resolved']:>3}/{run['instances']}  {len(run['nodes'])}"
        )
    print(f"ray cluster start + connect (once): {result['ray_cluster_start_and_connect_seconds']} s")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
