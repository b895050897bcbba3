"""Container start-to-exit overhead: the same command in a fresh Docker sandbox and as a bare subprocess.

Prints medians of N runs each and writes a JSON result. Usage: python -m repowright.evals.bench_sandbox [--runs 20]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from repowright.sandbox import Limits, make_sandbox

COMMAND = ["python3", "-c", "print(1)"]


def time_runs(fn, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--out", type=Path, default=Path("evals/results/bench_sandbox.json"))
    args = parser.parse_args()
    sandbox = make_sandbox("docker")
    limits = Limits(timeout=60)

    def in_sandbox() -> None:
        result = sandbox.run(COMMAND, limits=limits)
        assert result.stdout == "1\n", result

    host_python = os.path.realpath(sys.base_prefix) + "/bin/python3"  # the interpreter the sandbox runs

    def bare() -> None:
        out = subprocess.run([host_python, *COMMAND[1:]], capture_output=True, text=True, check=True).stdout
        assert out == "1\n"

    def in_session_exec(session) -> None:
        assert session.exec(COMMAND).stdout == "1\n"

    in_sandbox()  # warm the image cache
    docker_samples = time_runs(in_sandbox, args.runs)
    bare_samples = time_runs(bare, args.runs)
    with sandbox.session(limits=limits) as session:
        exec_samples = time_runs(lambda: in_session_exec(session), args.runs)
    result = {
        "command": COMMAND,
        "runs": args.runs,
        "docker_run_median_s": statistics.median(docker_samples),
        "session_exec_median_s": statistics.median(exec_samples),
        "bare_subprocess_median_s": statistics.median(bare_samples),
    }
    result["container_overhead_median_s"] = result["docker_run_median_s"] - result["bare_subprocess_median_s"]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(f"command: {' '.join(COMMAND)}  ({args.runs} runs each)")
    print(
        f"fresh sandbox (create, start, exec, remove): median {result['docker_run_median_s'] * 1000:.0f} ms"
    )
    print(
        f"exec in a running session:                   median {result['session_exec_median_s'] * 1000:.0f} ms"
    )
    print(
        f"bare subprocess:                             median {result['bare_subprocess_median_s'] * 1000:.0f} ms"
    )
    print(
        f"container overhead:                          median {result['container_overhead_median_s'] * 1000:.0f} ms"
    )
    print(f"written: {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
