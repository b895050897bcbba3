"""Speed of `map` on the CPython standard library: cold, warm and one-edited-file runs, next to `ctags -R`.

Copies `lib/python3.11` (without site-packages) to a temporary folder so a file can be edited, then maps it
in fresh processes: cold (empty cache), warm (nothing changed), one file edited in a function body, and one
file edited so that its definitions change (which re-resolves every file); then the warm `repowright map` command
and `ctags -R` over the same copy, the fastest of --repeat runs each, and their ratio. Reports, per run: wall seconds of
the process (interpreter start included), seconds in-process (imports included), `build` seconds (what `map`
reports), CPU seconds of the process tree; peak memory; and checks that every class/function/method ctags
finds is a graph node. The machine may be shared: the load average is printed alongside.

Usage: python -m repowright.evals.bench_map [--stdlib DIR] [--workers N] [--out evals/results/bench_map.json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_STDLIB = Path("/root/.pyenv/versions/3.11.7/lib/python3.11")
RUNNER = """
import json, resource, sys, time
from pathlib import Path
start = time.perf_counter()
from repowright.analyzers.knowledge_graph import build_knowledge_graph
kg = build_knowledge_graph(Path(sys.argv[1]), cache_dir=Path(sys.argv[2]), workers=int(sys.argv[3]) or None)
build = time.perf_counter() - start
pairs = None
if sys.argv[4] == "nodes":
    pairs = sorted({(a["path"], a["name"]) for _, a in kg.graph.nodes(data=True) if a["kind"] in
                    ("class", "function", "method", "variable")})
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"stats": kg.stats, "seconds_in_process": build, "maxrss_self_kb": own,
                  "maxrss_child_kb": kids, "pairs": pairs, "files": sorted(kg.graph) if pairs else None}))
"""


def run_map(copy: Path, cache: Path, workers: int, want_nodes: bool = False) -> dict:
    """One map in a fresh interpreter; wall and CPU seconds of the whole process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, str(copy), str(cache), str(workers), "nodes" if want_nodes else "-"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"map failed: {proc.stderr[-2000:]}")
    data = json.loads(proc.stdout)
    data["wall_s"] = wall
    data["cpu_s"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return data


def run_cli_warm(copy: Path, cache: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "repowright.agent.cli.main",
            "map",
            str(copy),
            "--cache-dir",
            str(cache),
            "--json",
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    return time.perf_counter() - start


def ctags(copy: Path) -> tuple[float, list[str]]:
    start = time.perf_counter()
    proc = subprocess.run(
        ["ctags", "-R", "-f", "-", "--fields=+Kl", "."],
        cwd=copy,
        capture_output=True,
        text=True,
        errors="replace",
        check=True,
    )
    return time.perf_counter() - start, proc.stdout.splitlines()


def ctags_coverage(lines: list[str], pairs: set[tuple[str, str]], mapped: set[str]) -> dict:
    """Every class, function and method ctags finds in a mapped Python/C/C++ file must be a node (path, name).

    ctags kinds checked: Python class/function/member (members are methods; `f = lambda: ...` is a function),
    C/C++ function/class/struct (a C "member" is a struct field, not a method). Anonymous names that ctags
    invents (`__anon...`, `anonFunc...`) have no counterpart and are not checked."""
    wanted = {
        "Python": {"class", "function", "member"},
        "C": {"function", "struct"},
        "C++": {"function", "class", "struct"},
    }
    checked, missing, unmapped = 0, [], 0
    for line in lines:
        if line.startswith("!_"):
            continue
        parts = line.split("\t")
        fields = dict(p.split(":", 1) for p in parts[3:] if ":" in p)
        kind = parts[3] if len(parts) > 3 and ":" not in parts[3] else fields.get("kind", "")
        if kind not in wanted.get(fields.get("language", ""), ()) or parts[0].startswith(
            ("__anon", "anonFunc")
        ):
            continue
        path = parts[1].removeprefix("./")
        if path not in mapped:
            unmapped += 1
            continue
        checked += 1
        if (path, parts[0]) not in pairs:
            missing.append(f"{path}:{parts[0]} ({kind})")
    return {
        "checked": checked,
        "missing": len(missing),
        "examples": missing[:20],
        "in_unmapped_files": unmapped,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stdlib", type=Path, default=DEFAULT_STDLIB)
    parser.add_argument("--workers", type=int, default=0, help="0: all cores")
    parser.add_argument("--edit", default="json/decoder.py", help="the file edited for the one-edit runs")
    parser.add_argument("--out", type=Path, default=Path("evals/results/bench_map.json"))
    parser.add_argument("--repeat", type=int, default=3, help="warm CLI and ctags runs; the fastest counts")
    args = parser.parse_args()
    if shutil.which("ctags") is None:
        raise SystemExit("ctags is not installed; install universal-ctags (apt-get install universal-ctags)")
    load_at_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-map-") as tmp:
        copy, cache = Path(tmp) / "python3.11", Path(tmp) / "cache"
        shutil.copytree(args.stdlib, copy, ignore=shutil.ignore_patterns("site-packages"), symlinks=True)
        cold = run_map(copy, cache, args.workers)
        warm = run_map(copy, cache, args.workers)
        edited = copy / args.edit
        edited.write_text(edited.read_text() + "\n# an edit that changes no definition\n")
        body_edit = run_map(copy, cache, args.workers)
        edited.write_text(edited.read_text() + "\ndef _bench_added():\n    return 1\n")
        interface_edit = run_map(copy, cache, args.workers, want_nodes=True)
        # The cache is up to date again: the warm command and ctags see the same tree.
        warm_cli = min(run_cli_warm(copy, cache) for _ in range(args.repeat))
        ctags_s, tags = min((ctags(copy) for _ in range(args.repeat)), key=lambda run: run[0])
    pairs = {tuple(p) for p in interface_edit["pairs"]}
    coverage = ctags_coverage(tags, pairs, set(interface_edit["files"]))
    phases = {"cold": cold, "warm": warm, "one_edit_body": body_edit, "one_edit_interface": interface_edit}
    result = {
        "folder": str(args.stdlib),
        "cpus": os.cpu_count(),
        "workers": args.workers or os.cpu_count(),
        "stats": cold["stats"],
        **{f"{name}_wall_s": round(p["wall_s"], 3) for name, p in phases.items()},
        **{f"{name}_in_process_s": round(p["seconds_in_process"], 3) for name, p in phases.items()},
        **{f"{name}_cpu_s": round(p["cpu_s"], 3) for name, p in phases.items()},
        **{f"{name}_build_s": p["stats"]["seconds"] for name, p in phases.items()},
        **{f"{name}_cache_hits": p["stats"]["cache_hits"] for name, p in phases.items()},
        "warm_cli_wall_s": round(warm_cli, 3),
        "warm_cli_over_ctags": round(warm_cli / ctags_s, 3),
        "peak_rss_parent_mb": round(max(p["maxrss_self_kb"] for p in phases.values()) / 1024, 1),
        "peak_rss_worker_mb": round(max(p["maxrss_child_kb"] for p in phases.values()) / 1024, 1),
        "ctags_wall_s": round(ctags_s, 3),
        "ctags_tags": len(tags),
        "ctags_coverage": coverage,
        "load_average_start": load_at_start,
        "load_average": os.getloadavg(),
    }
    for name in phases:
        print(
            f"{name:20s} wall {result[name + '_wall_s']:7.3f} s  in-process {result[name + '_in_process_s']:7.3f} s"
            f"  build {result[name + '_build_s']:7.3f} s  cpu {result[name + '_cpu_s']:7.3f} s"
            f"  cache hits {result[name + '_cache_hits']}"
        )
    print(
        f"warm CLI (repowright map --json) wall {warm_cli:.3f} s  vs  ctags -R wall {ctags_s:.3f} s:  "
        f"ratio {result['warm_cli_over_ctags']:.2f} (target below 0.5; fastest of {args.repeat} each)"
    )
    print(
        f"peak RSS: parent {result['peak_rss_parent_mb']} MB, largest worker {result['peak_rss_worker_mb']} MB"
    )
    print(
        f"ctags -R wall {ctags_s:.3f} s ({len(tags)} tags); coverage: {coverage['checked']} checked, "
        f"{coverage['missing']} missing {coverage['examples'][:5]}"
    )
    print(
        f"graph: {cold['stats']['files']} files, nodes {cold['stats']['nodes']}, edges {cold['stats']['edges']}"
    )
    print(f"load average at the start: {load_at_start}; at the end: {result['load_average']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
