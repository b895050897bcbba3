"""Does the deadline hold while a command floods its output? `repowright sandbox run --timeout 5 -- yes`, N times.

Prints each run's duration and exit code, and how many returned 124 within the target (7 s). `--burn 1`
keeps one core busy with a spinning process meanwhile, as on a loaded machine. For scale it also times a
quiet command that hits the same timeout (`sleep 100`, --baseline-runs times) and the load average, so the
cost of the flood itself is told apart from process start-up on a busy machine, and how long the command
line takes to import (`import repowright.agent.cli.main`, same count), the part of start-up before any
sandbox work. Writes a JSON result.
Usage: python -m repowright.evals.bench_sandbox_timeout [--runs 20] [--burn 1] [--command yes] [--baseline-runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIMEOUT_S = 5
TARGET_S = 7.0


def one_run(command: list[str], workdir: str) -> tuple[float, int]:
    """Seconds and exit code of one `sandbox run --timeout 5` of `command` (its output discarded)."""
    argv = [
        sys.executable,
        "-m",
        "repowright.agent.cli.main",
        "sandbox",
        "run",
        "--timeout",
        str(TIMEOUT_S),
        "--workdir",
        workdir,
        "--",
        *command,
    ]
    start = time.monotonic()
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    return time.monotonic() - start, proc.returncode


def import_seconds() -> float:
    """Seconds for a fresh interpreter to import the command line (start-up before any sandbox work)."""
    start = time.monotonic()
    subprocess.run([sys.executable, "-c", "import repowright.agent.cli.main"], check=True, timeout=600)
    return time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--burn", type=int, default=1, help="cores kept busy by spinning processes meanwhile")
    parser.add_argument("--command", default="yes", help="the flooding command (default: yes)")
    parser.add_argument(
        "--baseline-runs", type=int, default=5, help="runs of `sleep 100` with the same timeout"
    )
    parser.add_argument("--out", type=Path, default=Path("evals/results/bench_sandbox_timeout.json"))
    args = parser.parse_args()
    command = shlex.split(args.command)
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.burn)]
    runs = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-timeout-") as workdir:
            for i in range(args.runs):
                seconds, code = one_run(command, workdir)
                runs.append({"seconds": round(seconds, 3), "exit_code": code})
                print(f"run {i + 1:2d}: exit {code}  {seconds:6.2f} s", flush=True)
            baseline = [one_run(["sleep", "100"], workdir)[0] for _ in range(args.baseline_runs)]
            imports = [import_seconds() for _ in range(args.baseline_runs)]
            load = os.getloadavg()[0]
    finally:
        for proc in burners:
            proc.kill()
            proc.wait()
    within = sum(1 for r in runs if r["exit_code"] == 124 and r["seconds"] <= TARGET_S)
    result = {
        "command": ["repowright", "sandbox", "run", "--timeout", str(TIMEOUT_S), "--", *command],
        "burning_cores": args.burn,
        "runs": runs,
        "within_target": within,
        "target_s": TARGET_S,
        "max_s": max(r["seconds"] for r in runs),
        "median_s": statistics.median(r["seconds"] for r in runs),
        "quiet_baseline_median_s": statistics.median(baseline) if baseline else None,
        "cli_import_median_s": statistics.median(imports) if imports else None,
        "load_average_1m": load,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(
        f"{within}/{len(runs)} returned 124 within {TARGET_S:g} s; median {result['median_s']:.2f} s, "
        f"max {result['max_s']:.2f} s ({args.burn} core(s) burning, load average {load:.1f})"
    )
    if baseline:
        print(
            f"quiet command hitting the same timeout (sleep 100): median {result['quiet_baseline_median_s']:.2f} s "
            f"of {len(baseline)} runs; importing the command line alone: median "
            f"{result['cli_import_median_s']:.2f} s"
        )
    print(f"written: {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
