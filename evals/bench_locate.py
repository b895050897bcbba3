"""Localisation accuracy: `locate` (no model) beside a BM25 file baseline from the same run, per split, and times.

Splits are printed separately: the frozen parts of the mined development set (evals/data/locate_frozen.jsonl and
locate_frozen2.jsonl, repositories never used for tuning; see evals/data/README.md), then both together, and, when
given, SWE-bench Lite's dev split. Each repository's tree is moved from commit to commit in place
(evals/locate_checkout.py) and mapped with one graph cache per repository under `--work`, so only changed files are
re-parsed; the locate time per instance is therefore the ranking alone on a mapped tree. A hit at k means every
gold location is in the top k: gold files are the files the fix edits; gold functions are the innermost
functions/methods containing the lines it removes or changes (or the line an insertion follows); fixes whose edits
lie outside every function (module-level) count only for files, and their number is printed. The BM25 baseline
ranks whole source files by BM25 of their content.

Each split is also scored on its instances that pass SWE-bench Lite's rule for a gold patch (one file, at most 3
hunks): the issue's targets are anchored on Lite, where every fix is of that kind, while a mined fix may edit up to
3 files, and a hit at 1 needs every gold file at rank 1. Mined instances carry `gold_hunks`
(evals/mine_locate_set.py); SWE-bench instances are counted from their patch.

`--timing-repo DIR` also times `repowright locate` end to end in fresh processes: cold (empty graph cache) and warm
(the cache just written), beside BM25 over the same mapped tree.

Usage: python -m repowright.evals.bench_locate --repos-dir /work/.mirror [--dataset FILE ...]
       [--lite ../shared/data/swebench-lite-dev.jsonl] [--simulations 0] [--timing-repo DIR]
       [--out evals/results/bench_locate.json]
`--repos-dir` holds clones or mirrors as owner+name/repo, owner+name, owner__name, owner/name or name.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from unidiff import PatchSet

from repowright.agent.config import LocateConfig
from repowright.agent.locate import locate
from repowright.analyzers.bm25 import BM25, tokenize
from repowright.analyzers.graph import CALLABLE_KINDS, NodeKind
from repowright.analyzers.knowledge_graph import build_knowledge_graph
from repowright.evals.locate_checkout import blob_entries

FROZEN = tuple(Path(__file__).resolve().parent / "data" / f"locate_frozen{n}.jsonl" for n in ("", "2"))

KS = (1, 3, 5, 10)


def find_repo(repos_dir: Path, repo: str) -> Path | None:
    owner, name = repo.split("/")
    for candidate in (
        repos_dir / f"{owner}+{name}" / "repo",
        repos_dir / f"{owner}+{name}",
        repos_dir / f"{owner}__{name}",
        repos_dir / owner / name,
        repos_dir / name,
    ):
        if candidate.exists():
            return candidate
    return None


def export(git_dir: Path, commit: str, target: Path) -> int:
    """Write the tree at `commit` as plain files (the mirror is only read). Blobs a partial mirror lacks
    (large data files) are left out; returns how many."""
    git = ["git", "--git-dir", str(git_dir / ".git" if (git_dir / ".git").exists() else git_dir)]
    entries = blob_entries(git, commit)
    batch = subprocess.run(
        [*git, "cat-file", "--batch"],
        input="".join(f"{sha}\n" for sha, _ in entries).encode(),
        capture_output=True,
        check=True,
    ).stdout
    absent, pos = 0, 0
    for _sha, path in entries:
        end = batch.index(b"\n", pos)
        header = batch[pos:end].split()
        pos = end + 1
        if header[-1] == b"missing":
            absent += 1
            continue
        size = int(header[2])
        dest = target / path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(batch[pos : pos + size])
        pos += size + 1
    return absent


def patch_lines(patch: str) -> dict[str, set[int]]:
    """Per edited file (old path), the old-file lines the patch removes/changes, or the line an insert follows.

    Read by unidiff: content lines starting with `--- `/`+++ ` are content; new files have no old lines.
    """
    out: dict[str, set[int]] = {}
    for patched in PatchSet(patch):
        if patched.is_added_file or not patched.source_file.startswith("a/"):
            continue
        lines = out.setdefault(patched.source_file[2:], set())
        for hunk in patched:
            old_line, pending_insert = hunk.source_start, False
            for row in hunk:
                if row.is_removed:
                    lines.add(old_line)
                    old_line, pending_insert = old_line + 1, False
                elif row.is_added:
                    if not pending_insert:
                        lines.add(max(1, old_line - 1))
                        pending_insert = True
                elif row.is_context:
                    old_line, pending_insert = old_line + 1, False
    return out


def gold_functions(kg, lines: dict[str, set[int]]) -> set[tuple[str, str]]:
    """Innermost function/method spanning each edited line."""
    spans: dict[str, list[tuple[int, int, str]]] = {}
    for _, attrs in kg.graph.nodes(data=True):
        if attrs.get("kind") in CALLABLE_KINDS and attrs["path"] in lines:
            spans.setdefault(attrs["path"], []).append(
                (attrs["start_line"], attrs["end_line"], attrs["qualname"])
            )
    gold = set()
    for path, numbers in lines.items():
        for number in numbers:
            inside = [s for s in spans.get(path, ()) if s[0] <= number <= s[1]]
            if inside:
                gold.add((path, min(inside, key=lambda s: s[1] - s[0])[2]))
    return gold


def edits_outside_functions(kg, lines: dict[str, set[int]]) -> bool:
    """Whether some edited line lies outside every function and method (a module- or class-level change)."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for _, attrs in kg.graph.nodes(data=True):
        if attrs.get("kind") in CALLABLE_KINDS and attrs["path"] in lines:
            spans.setdefault(attrs["path"], []).append((attrs["start_line"], attrs["end_line"]))
    return any(not any(a <= n <= b for a, b in spans.get(p, ())) for p, ns in lines.items() for n in ns)


def bm25_files(kg, root: Path, issue: str, k: int = 10) -> list[str]:
    paths = sorted(
        n for n, a in kg.graph.nodes(data=True) if a.get("kind") == NodeKind.FILE and a.get("language")
    )
    docs = [
        tokenize(path.replace("/", " ") + " " + (root / path).read_text(errors="replace")) for path in paths
    ]
    return [paths[i] for i, _ in BM25(docs).top(tokenize(issue), k)]


def hits(ranked: list[str], gold: set, ks=KS) -> dict[int, bool]:
    return {k: bool(gold) and gold <= set(ranked[:k]) for k in ks}


def load_split(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


LITE_MAX_HUNKS = 3


def lite_rule(inst: dict) -> bool | None:
    """Whether the fix passes SWE-bench Lite's rule (one file, at most 3 hunks); None when its hunks are unknown."""
    if "patch" in inst:
        patched = list(PatchSet(inst["patch"]))
        return len(patched) == 1 and sum(len(p) for p in patched) <= LITE_MAX_HUNKS
    if "gold_hunks" not in inst:
        return None
    return len(inst["gold_files"]) == 1 and inst["gold_hunks"] <= LITE_MAX_HUNKS


def gold_lines(inst: dict) -> dict[str, set[int]]:
    """Old-file lines the fix edits: stored for mined instances, read from the patch for SWE-bench ones."""
    if "gold_lines" in inst:
        return {p: set(v) for p, v in inst["gold_lines"].items()}
    return patch_lines(inst["patch"])


def run_split(
    insts: list[dict], repos_dir: Path, work: Path, simulations: int, mcts: int = 0
) -> tuple[list[dict], list[str]]:
    from .locate_checkout import Checkout

    by_repo: dict[str, list[dict]] = defaultdict(list)
    for inst in insts:
        by_repo[inst["repo"]].append(inst)
    rows, missing = [], []
    for name, group in sorted(by_repo.items()):
        repo = find_repo(repos_dir, name)
        if repo is None:
            missing += [i["instance_id"] for i in group]
            print(f"{name}: not in {repos_dir}, {len(group)} instances skipped")
            continue
        checkout = Checkout(repo, work / name.replace("/", "+"))
        for inst in group:
            checkout.goto(inst["base_commit"])
            try:
                kg = checkout.graph()
            except Exception as exc:  # reported and counted as skipped, so one bad tree does not end the run
                print(f"{inst['instance_id']}: skipped, mapping failed: {type(exc).__name__}: {exc}")
                missing.append(inst["instance_id"])
                checkout.commit = None
                continue
            rows.append(run_instance(inst, kg, checkout.root, simulations, mcts))
    return rows, missing


def run_instance(inst: dict, kg, root: Path, simulations: int, mcts: int = 0) -> dict:
    lines = gold_lines(inst)
    gold_files = set(lines)
    gold_funcs = gold_functions(kg, lines)
    start = time.perf_counter()
    found = locate(kg, inst["problem_statement"], LocateConfig(top=10, simulations=simulations), root=root)
    locate_s = time.perf_counter() - start
    start = time.perf_counter()
    baseline = bm25_files(kg, root, inst["problem_statement"])
    bm25_s = time.perf_counter() - start
    mcts_hits = None
    if mcts > 0:  # the same ranking re-ranked by tree search: an ablation printed beside the plain ranking
        explored = locate(kg, inst["problem_statement"], LocateConfig(top=10, simulations=mcts), root=root)
        mcts_hits = {
            "files": hits([f.path for f in explored.files], gold_files),
            "functions": hits([(f.path, f.name) for f in explored.functions], gold_funcs)
            if gold_funcs
            else None,
        }
    files = [f.path for f in found.files]
    funcs = [(f.path, f.name) for f in found.functions]
    row = {
        "instance_id": inst["instance_id"],
        "gold_files": sorted(gold_files),
        "gold_functions": sorted(f"{p}::{n}" for p, n in gold_funcs),
        "files": files,
        "functions": [f"{p}::{n}" for p, n in funcs],
        "bm25_files": baseline,
        "module_level": edits_outside_functions(kg, lines),
        "lite_rule": lite_rule(inst),
        "file_hits": hits(files, gold_files),
        "function_hits": hits(funcs, gold_funcs) if gold_funcs else None,
        "bm25_file_hits": hits(baseline, gold_files),
        "mcts_file_hits": mcts_hits and mcts_hits["files"],
        "mcts_function_hits": mcts_hits and mcts_hits["functions"],
        "locate_s": round(locate_s, 3),
        "bm25_s": round(bm25_s, 3),
    }
    print(
        f"{inst['instance_id']:44s} file@1/5 {int(row['file_hits'][1])}/{int(row['file_hits'][5])}  "
        f"bm25@5 {int(row['bm25_file_hits'][5])}  func@5 "
        f"{'-' if row['function_hits'] is None else int(row['function_hits'][5])}  locate {locate_s:.2f}s",
        flush=True,
    )
    return row


def summarize(rows: list[dict]) -> dict:
    def acc(key: str) -> dict[str, float] | None:
        scored = [r[key] for r in rows if r.get(key) is not None]
        return {f"acc@{k}": round(sum(h[k] for h in scored) / len(scored), 4) for k in KS} if scored else None

    return {
        "instances": len(rows),
        "with_function_gold": sum(r["function_hits"] is not None for r in rows),
        "with_module_level_edits": sum(r["module_level"] for r in rows),
        "locate_file": acc("file_hits"),
        "locate_function": acc("function_hits"),
        "bm25_file": acc("bm25_file_hits"),
        "mcts_file": acc("mcts_file_hits"),
        "mcts_function": acc("mcts_function_hits"),
        "mean_locate_s": round(sum(r["locate_s"] for r in rows) / max(1, len(rows)), 3),
        "mean_bm25_s": round(sum(r["bm25_s"] for r in rows) / max(1, len(rows)), 3),
    }


def scored(rows: list[dict]) -> dict:
    """The summary of `rows`, and of those under SWE-bench Lite's rule when they are some but not all."""
    out = {"summary": summarize(rows)}
    lite = [r for r in rows if r["lite_rule"]]
    if lite and len(lite) < len(rows):
        out["lite_rule_summary"] = summarize(lite)
    return out


def print_summary(name: str, summary: dict) -> None:
    print(
        f"\n== {name}: {summary['instances']} instances ({summary['with_function_gold']} with function-level "
        f"gold, {summary['with_module_level_edits']} with edits outside every function)"
    )
    print(f"{'':22s}" + "".join(f"{'Acc@' + str(k):>9s}" for k in KS))
    for label, key in (
        ("locate files", "locate_file"),
        ("BM25 files (baseline)", "bm25_file"),
        ("locate functions", "locate_function"),
        ("ablation: + MCTS files", "mcts_file"),
        ("ablation: + MCTS funcs", "mcts_function"),
    ):
        if summary[key] is None:
            continue
        print(f"{label:22s}" + "".join(f"{summary[key][f'acc@{k}'] * 100:8.1f}%" for k in KS))
    print(
        f"mean time per instance on a mapped tree: locate {summary['mean_locate_s']:.2f}s, "
        f"BM25 {summary['mean_bm25_s']:.2f}s"
    )


def _children_cpu() -> float:
    """CPU seconds (user + system) used so far by finished child processes: on a shared machine the wall time
    of a run depends on the load, its CPU time much less."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_cli(repo: Path, issue: str) -> dict:
    """Cold and warm `repowright locate` in fresh processes (wall and CPU seconds, and the load average), and
    BM25 over the same (mapped) tree."""
    with tempfile.TemporaryDirectory(prefix="bench-locate-time-") as tmp:
        cmd = [
            sys.executable,
            "-m",
            "repowright.agent.cli.main",
            "locate",
            str(repo),
            "--issue",
            issue,
            "--json",
            "--no-model",
            "--cache-dir",
            str(Path(tmp) / "cache"),
        ]
        env = {**os.environ, "REPOWRIGHT_LLM__BASE_URL": ""}
        out = {}
        for label in ("cold", "warm"):
            out[f"{label}_load"] = round(os.getloadavg()[0], 2)
            start, cpu = time.perf_counter(), _children_cpu()
            subprocess.run(cmd, check=True, capture_output=True, env=env)
            out[f"{label}_s"] = round(time.perf_counter() - start, 2)
            out[f"{label}_cpu_s"] = round(_children_cpu() - cpu, 2)
        kg = build_knowledge_graph(repo, cache_dir=Path(tmp) / "cache")
        kg.graph  # noqa: B018 (materialise before timing BM25)
        start = time.perf_counter()
        bm25_files(kg, repo, issue)
        out["bm25_s"] = round(time.perf_counter() - start, 2)
        out["load_average"] = round(os.getloadavg()[0], 2)
        out["files"] = sum(1 for _, a in kg.graph.nodes(data=True) if a.get("kind") == NodeKind.FILE)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repos-dir", type=Path, required=True)
    parser.add_argument(
        "--dataset",
        type=Path,
        action="append",
        help=f"instances (default {', '.join(p.name for p in FROZEN)})",
    )
    parser.add_argument("--lite", type=Path, help="SWE-bench Lite dev split (JSONL), printed separately")
    parser.add_argument("--instances", default="", help="comma-separated instance ids (default: all)")
    parser.add_argument("--simulations", type=int, default=0, help="MCTS simulations after ranking (0: none)")
    parser.add_argument(
        "--mcts-ablation",
        type=int,
        default=0,
        metavar="N",
        help="also locate with N MCTS simulations and print it as an ablation",
    )
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "repowright-bench-locate")
    parser.add_argument("--timing-repo", type=Path, help="a large checkout to time cold and warm locate on")
    parser.add_argument("--timing-issue", default="Calling the parser on an empty file raises an IndexError")
    parser.add_argument("--out", type=Path, default=Path("evals/results/bench_locate.json"))
    args = parser.parse_args()
    splits = [(p.stem, p) for p in (args.dataset or FROZEN)] + (
        [("swebench-lite-dev", args.lite)] if args.lite else []
    )
    for _, path in splits:
        if not path.is_file():
            parser.error(f"no dataset at {path}; pass an existing JSONL file")
    wanted = {i for i in args.instances.split(",") if i}
    result: dict = {}
    for name, path in splits:
        insts = [i for i in load_split(path) if not wanted or i["instance_id"] in wanted]
        rows, missing = run_split(insts, args.repos_dir, args.work, args.simulations, args.mcts_ablation)
        result[name] = scored(rows) | {"instances": rows}
        result[name]["summary"]["skipped_no_repo"] = missing
    mined = [name for name, path in splits if path.resolve() in FROZEN]
    if len(mined) > 1:  # the frozen parts together: one figure over every instance never tuned on
        result[" + ".join(mined)] = scored([r for name in mined for r in result[name]["instances"]])
    for name in list(result):
        print_summary(name, result[name]["summary"])
        if "lite_rule_summary" in result[name]:
            print_summary(
                f"{name}, SWE-bench Lite's rule (one file, <= 3 hunks)", result[name]["lite_rule_summary"]
            )
    if args.timing_repo:
        result["timing"] = time_cli(args.timing_repo, args.timing_issue)
        t = result["timing"]
        print(
            f"\nrepowright locate on {args.timing_repo} ({t['files']} files): cold {t['cold_s']:.1f}s "
            f"(CPU {t['cold_cpu_s']:.1f}s, load {t['cold_load']}), warm {t['warm_s']:.1f}s (CPU {t['warm_cpu_s']:.1f}s, "
            f"load {t['warm_load']}); BM25 over the mapped tree {t['bm25_s']:.1f}s; load average at the end "
            f"{t['load_average']} (targets: cold <= 15 s, warm <= 3 s)"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
