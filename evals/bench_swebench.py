"""Seconds per instance for `eval swebench evaluate`: cold (environment built now) and cached.

    python -m repowright.evals.bench_swebench --dataset DEV.jsonl --repos-dir D --instance-ids ID[,ID...] [--predictions gold]

Runs the harness twice on the same instances: first with an empty environment cache (the build is
part of the time), then again with the cache filled, each under a fresh run id. Prints a table and
writes evals/results/bench_swebench.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from repowright.evals.swebench.evaluate import EvalOptions, evaluate
from repowright.evals.swebench.instances import load_instances
from repowright.evals.swebench.predictions import load_predictions
from repowright.evals.swebench.specs import Specs
from repowright.sandbox import Limits, make_sandbox

RESULTS = Path(__file__).resolve().parent / "results" / "bench_swebench.json"


def timed_pass(instances: list[dict], predictions: dict, opts: EvalOptions) -> dict[str, dict]:
    """Evaluate each instance alone (so every time is its own) and return {id: {seconds, status}}."""
    sandbox = make_sandbox("docker")
    out = {}
    for instance in instances:
        iid = instance["instance_id"]
        start = time.monotonic()
        report, _ = evaluate([instance], {iid: predictions[iid]}, opts, sandbox)
        outcome = json.loads(
            (
                opts.out_dir
                / opts.run_id
                / str(predictions[iid]["model_name_or_path"]).replace("/", "__")
                / iid
                / "outcome.json"
            ).read_text()
        )
        out[iid] = {
            "seconds": round(time.monotonic() - start, 1),
            "status": outcome["status"],
            "env_built": bool(outcome.get("env_built")),
            "error": outcome.get("error", ""),
        }
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--repos-dir", type=Path, required=True)
    parser.add_argument("--instance-ids", required=True, help="comma-separated")
    parser.add_argument("--predictions", default="gold")
    parser.add_argument("--specs", type=Path)
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    args = parser.parse_args(argv)
    instances = load_instances(args.dataset, instance_ids=args.instance_ids.split(","))
    predictions = load_predictions(args.predictions, instances)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-swebench-"))
    cache = work / f"envs-{int(time.time())}"  # always empty at the start: the cold pass builds
    passes = {}
    for name in ("cold", "cached"):
        opts = EvalOptions(
            run_id=f"bench-{name}-{int(time.time())}",
            out_dir=work / "runs",
            cache_dir=cache,
            repos_dir=args.repos_dir.resolve(),
            limits=Limits(timeout=1800, memory="4g", cpus=2, pids=4096),
            specs=Specs(args.specs),
        )
        passes[name] = timed_pass(instances, predictions, opts)
    built = [v["seconds"] for v in passes["cold"].values() if v["env_built"]]
    result = {
        "predictions": args.predictions,
        "instances": {iid: {name: passes[name][iid] for name in passes} for iid in passes["cold"]},
        "mean_seconds": {
            "cold_env_built": round(statistics.mean(built), 1) if built else None,
            "cold_pass": round(statistics.mean(v["seconds"] for v in passes["cold"].values()), 1),
            "cached": round(statistics.mean(v["seconds"] for v in passes["cached"].values()), 1),
        },
        "resolved": {
            name: sorted(i for i, v in passes[name].items() if v["status"] == "resolved") for name in passes
        },
    }
    print(f"{'instance':45} {'cold s':>8} {'built':>6} {'cached s':>9}  status")
    for iid, row in result["instances"].items():
        print(
            f"{iid:45} {row['cold']['seconds']:8.1f} {'yes' if row['cold']['env_built'] else 'no':>6} "
            f"{row['cached']['seconds']:9.1f}  {row['cached']['status']} {row['cached']['error'][:60]}"
        )
    means = result["mean_seconds"]
    print(
        f"mean seconds per instance: cold with the environment built {means['cold_env_built']} "
        f"({len(built)} instances), whole cold pass {means['cold_pass']}, cached {means['cached']}"
    )
    print(
        f"resolved: cold {len(result['resolved']['cold'])}/{len(instances)}, "
        f"cached {len(result['resolved']['cached'])}/{len(instances)}"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
