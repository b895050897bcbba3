"""Fuzzing benchmarks. By default, throughput: execs/s of the campaign's crash-isolated execution next to a bare
in-process loop over the same inputs (the ceiling), both in the sandbox. With `--campaign`: a campaign over all
of torch.nn.functional plus N torch.* functions within a time budget, printing distinct crashes (crash / internal
assert / hang / wrong-result findings), crashing APIs, execs per second and how many reproducers were verified by
a fresh run in the sandbox; the summary is written as JSON next to the campaign.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from repowright.agent.fuzz.adapters import library_adapter
from repowright.agent.fuzz.campaign import Campaign, CampaignConfig
from repowright.agent.fuzz.executor import ExecConfig
from repowright.evals.fuzz_throughput import measure
from repowright.sandbox import make_sandbox


def choose_apis(adapter, torch_functions: int) -> list[str]:
    """Every public torch.nn.functional function, then the first `torch_functions` documented torch.* ones
    (alphabetical, with an Args block so constraints have something to read)."""
    functional = adapter.enumerate_many(["torch.nn.functional"])
    chosen = []
    for api in adapter.enumerate_many(["torch"]):
        doc = adapter.docs.api_doc(api).doc
        if ("Args:" in doc or "Arguments:" in doc) and api not in chosen:
            chosen.append(api)
        if len(chosen) >= torch_functions:
            break
    return functional + chosen


def throughput(args: argparse.Namespace) -> int:
    """Print isolated and bare execs/s on the same generated inputs."""
    adapter = library_adapter("torch")
    apis = choose_apis(adapter, args.torch_functions)[: args.apis]
    result = measure(
        adapter,
        apis,
        args.inputs_per_api,
        make_sandbox("docker"),
        workers=args.workers,
        batch_size=args.batch_size,
    )
    iso, bare = result["isolated"], result["bare"]
    print(
        f"inputs: {iso['inputs']} on {result['apis']} APIs ({args.inputs_per_api} per API), "
        f"{result['workers']} workers, batches of {result['batch_size']}"
    )
    print(
        f"crash-isolated (persistent forked worker, replaced on crash): {iso['execs_per_second']:.1f} execs/s "
        f"({iso['inputs']} in {iso['seconds']:.1f} s; containers and fork servers started first, in "
        f"{iso['startup_seconds']:.1f} s)"
    )
    print(
        f"bare in-process loop, one interpreter, no isolation:       {bare['execs_per_second']:.1f} execs/s "
        f"({bare['inputs']} in {bare['seconds']:.1f} s; {result['crashed_or_hung']} crashing/hanging inputs left out)"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--campaign", action="store_true", help="run the campaign benchmark instead")
    parser.add_argument("--apis", type=int, default=40, help="throughput: APIs to draw inputs from")
    parser.add_argument(
        "--batch-size", type=int, default=500, help="throughput: inputs per sandbox round trip"
    )
    parser.add_argument("--json", type=Path, help="throughput: also write the figures here")
    parser.add_argument("--out", type=Path, default=Path(".repowright/bench_fuzz"))
    parser.add_argument("--torch-functions", type=int, default=100)
    parser.add_argument("--inputs-per-api", type=int, default=60)
    parser.add_argument("--time-budget", type=float, default=3600.0, help="seconds of input execution")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--verify-limit", type=int, default=40)
    args = parser.parse_args(argv)
    if not args.campaign:
        return throughput(args)
    adapter = library_adapter("torch")
    apis = choose_apis(adapter, args.torch_functions)
    config = CampaignConfig(
        apis=apis,
        inputs_per_api=args.inputs_per_api,
        seed=args.seed,
        batch_size=500,  # one long round trip per worker: what these figures were measured with
        workers=args.workers,
        time_budget=args.time_budget,
        timeout=args.timeout,
        verify_limit=args.verify_limit,
    )
    started = time.monotonic()

    def progress(phase: str, done: int, total: int) -> None:
        if phase != "inputs" or done == total or done % 500 < config.batch_size:
            print(
                f"[{time.monotonic() - started:7.0f} s] {phase} {done}/{total}", file=sys.stderr, flush=True
            )

    summary = Campaign(
        args.out, config, adapter, make_sandbox("docker"), ExecConfig(timeout=args.timeout)
    ).run(progress)
    summary["wall_seconds"] = round(time.monotonic() - started, 1)
    functional = sum(1 for a in apis if a.startswith("torch.nn.functional."))
    print(f"APIs: {len(apis)} ({functional} torch.nn.functional + {len(apis) - functional} torch.*)")
    print(
        f"inputs run: {summary['inputs']} of {summary['planned_inputs']} planned "
        f"({summary['execs_per_second']} execs/s over {summary['seconds']} s of execution)"
    )
    print(f"outcomes: {summary['outcomes']}")
    print(
        f"distinct crashes (crash / internal assert / hang findings): {summary['distinct_crashes']} "
        f"on {len(summary['crashing_apis'])} APIs: {', '.join(summary['crashing_apis'])}"
    )
    print(f"findings by class: {summary['findings_by_class']}")
    print(
        f"reproducers verified by a fresh run: {summary['reproducers_verified']} of "
        f"{summary['reproducers_checked']} checked"
    )
    print(f"wall time including extraction, reduction and verification: {summary['wall_seconds']} s")
    (args.out / "bench_fuzz.json").write_text(json.dumps(summary, indent=2))
    print(f"report: {args.out / 'report.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
