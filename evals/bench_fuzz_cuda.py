"""CUDA fuzzing campaign for a lent GPU machine: the same pipeline with every tensor built on `cuda`.

Docker here has no GPU passthrough, so this script uses the local backend by explicit choice (it isolates
nothing: run it only on a disposable machine). CUDA reserves large address ranges, so the per-child address
space limit is off; each child initializes CUDA itself (the fork server never does, as CUDA does not survive a
fork). Prints the same figures as bench_fuzz.py.
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
from repowright.evals.bench_fuzz import choose_apis
from repowright.sandbox import make_sandbox


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path(".repowright/bench_fuzz_cuda"))
    parser.add_argument("--torch-functions", type=int, default=100)
    parser.add_argument("--inputs-per-api", type=int, default=20)
    parser.add_argument("--time-budget", type=float, default=420.0)
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument(
        "--sandbox", default="local", help="local (default: docker has no GPU here) or docker"
    )
    args = parser.parse_args(argv)
    import torch

    if not torch.cuda.is_available():
        print("no CUDA device visible to torch; nothing to do", file=sys.stderr)
        return 2
    adapter = library_adapter("torch-cuda")
    apis = choose_apis(adapter, args.torch_functions)
    config = CampaignConfig(
        apis=apis,
        inputs_per_api=args.inputs_per_api,
        seed=0,
        batch_size=500,  # one long round trip per worker: what these figures were measured with
        workers=1,
        time_budget=args.time_budget,
        timeout=args.timeout,
        library="torch-cuda",
        verify_limit=10,
    )
    exec_config = ExecConfig(timeout=args.timeout, memory_bytes=0, container_memory="100000g")
    started = time.monotonic()
    summary = Campaign(args.out, config, adapter, make_sandbox(args.sandbox), exec_config).run(
        lambda phase, done, total: print(
            f"[{time.monotonic() - started:6.0f} s] {phase} {done}/{total}", file=sys.stderr, flush=True
        )
    )
    print(
        f"device: {torch.cuda.get_device_name(0)}; APIs {len(apis)}; inputs {summary['inputs']} "
        f"({summary['execs_per_second']} execs/s)"
    )
    print(f"findings by class: {summary['findings_by_class']}; crashing APIs: {summary['crashing_apis']}")
    print(f"reproducers verified: {summary['reproducers_verified']} of {summary['reproducers_checked']}")
    (args.out / "bench_fuzz_cuda.json").write_text(json.dumps(summary, indent=2))
    print(f"report: {args.out / 'report.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
