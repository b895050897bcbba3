"""Localisation accuracy on SWE-bench-style instances: `locate` (no model) next to a BM25 file baseline.

For each instance the repository is exported at `base_commit` into a temporary folder, mapped, and the issue
text located. A hit at k means every gold location is in the top k: gold files are the files the gold `patch`
edits; gold functions are the innermost functions/methods containing the lines it removes or changes (or the
line an insertion follows). Instances whose patch touches no function count only for files. The BM25 baseline
ranks whole source files by BM25 of their content against the issue text.

Usage: python -m repowright.evals.bench_locate --dataset ../shared/data/swebench-lite-dev.jsonl --repos-dir DIR
       [--instances id,id] [--simulations 300] [--out evals/results/bench_locate.json]
`DIR` holds clones or mirrors as owner+name/repo, owner+name, owner__name, owner/name or name.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from pathlib import Path

from unidiff import PatchSet

from repowright.agent.locate import locate
from repowright.analyzers.bm25 import BM25, tokenize
from repowright.analyzers.knowledge_graph import build_knowledge_graph

KS = (1, 3, 5, 10)


def find_repo(repos_dir: Path, repo: str) -> Path | None:
    owner, name = repo.split("/")
    for candidate in (repos_dir / f"{owner}+{name}" / "repo", repos_dir / f"{owner}+{name}",
                      repos_dir / f"{owner}__{name}", repos_dir / owner / name, repos_dir / name):
        if candidate.exists():
            return candidate
    return None


def export(git_dir: Path, commit: str, target: Path) -> int:
    """Write the tree at `commit` as plain files (the mirror is only read). Blobs a partial mirror lacks
    (large data files) are left out; returns how many."""
    git = ["git", "--git-dir", str(git_dir / ".git" if (git_dir / ".git").exists() else git_dir)]
    listing = subprocess.run([*git, "ls-tree", "-r", "-z", commit], capture_output=True, check=True).stdout
    entries = []
    for item in listing.split(b"\0"):
        if item:
            meta, _, path = item.partition(b"\t")
            mode, kind, sha = meta.split()
            if kind == b"blob" and mode != b"120000":
                entries.append((sha.decode(), path.decode("utf-8", "replace")))
    batch = subprocess.run([*git, "cat-file", "--batch"], input="".join(f"{sha}\n" for sha, _ in entries).encode(),
                           capture_output=True, check=True).stdout
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
        dest.write_bytes(batch[pos:pos + size])
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
        if attrs.get("kind") in ("function", "method") and attrs["path"] in lines:
            spans.setdefault(attrs["path"], []).append((attrs["start_line"], attrs["end_line"], attrs["qualname"]))
    gold = set()
    for path, numbers in lines.items():
        for number in numbers:
            inside = [s for s in spans.get(path, ()) if s[0] <= number <= s[1]]
            if inside:
                gold.add((path, min(inside, key=lambda s: s[1] - s[0])[2]))
    return gold


def bm25_files(kg, root: Path, issue: str, k: int = 10) -> list[str]:
    paths = sorted(n for n, a in kg.graph.nodes(data=True) if a.get("kind") == "file" and a.get("language"))
    docs = [tokenize(path.replace("/", " ") + " " + (root / path).read_text(errors="replace")) for path in paths]
    return [paths[i] for i, _ in BM25(docs).top(tokenize(issue), k)]


def hits(ranked: list[str], gold: set, ks=KS) -> dict[int, bool]:
    return {k: bool(gold) and gold <= set(ranked[:k]) for k in ks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--repos-dir", type=Path, required=True)
    parser.add_argument("--instances", default="", help="comma-separated instance ids (default: all)")
    parser.add_argument("--simulations", type=int, default=300)
    parser.add_argument("--out", type=Path, default=Path("evals/results/bench_locate.json"))
    args = parser.parse_args()
    wanted = {i for i in args.instances.split(",") if i}
    rows, missing = [], []
    for raw in args.dataset.read_text().splitlines():
        if not raw.strip():
            continue
        inst = json.loads(raw)
        if wanted and inst["instance_id"] not in wanted:
            continue
        repo = find_repo(args.repos_dir, inst["repo"])
        if repo is None:
            missing.append(inst["instance_id"])
            print(f"{inst['instance_id']}: repository {inst['repo']} not in {args.repos_dir}, skipped")
            continue
        rows.append(run_instance(inst, repo, args.simulations))
    summary = summarize(rows)
    summary["skipped_no_repo"] = missing
    print_summary(summary)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"summary": summary, "instances": rows}, indent=2))


def run_instance(inst: dict, repo: Path, simulations: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-locate-") as tmp:
        root = Path(tmp) / "repo"
        export(repo, inst["base_commit"], root)
        start = time.perf_counter()
        kg = build_knowledge_graph(root, cache_dir=Path(tmp) / "cache")
        map_s = time.perf_counter() - start
        lines = patch_lines(inst["patch"])
        gold_files = set(lines)
        gold_funcs = gold_functions(kg, lines)
        start = time.perf_counter()
        found = locate(kg, inst["problem_statement"], top=10, simulations=simulations)
        locate_s = time.perf_counter() - start
        baseline = bm25_files(kg, root, inst["problem_statement"])
    files = [f.path for f in found.files]
    funcs = [(f.path, f.name) for f in found.functions]
    row = {"instance_id": inst["instance_id"], "gold_files": sorted(gold_files),
           "gold_functions": sorted(f"{p}::{n}" for p, n in gold_funcs), "files": files,
           "functions": [f"{p}::{n}" for p, n in funcs], "bm25_files": baseline,
           "file_hits": hits(files, gold_files), "function_hits": hits(funcs, gold_funcs) if gold_funcs else None,
           "bm25_file_hits": hits(baseline, gold_files), "map_s": round(map_s, 2), "locate_s": round(locate_s, 2)}
    print(f"{inst['instance_id']:36s} file@1/5 {int(row['file_hits'][1])}/{int(row['file_hits'][5])}  "
          f"bm25@5 {int(row['bm25_file_hits'][5])}  func@5 "
          f"{'-' if row['function_hits'] is None else int(row['function_hits'][5])}  "
          f"map {map_s:.1f}s locate {locate_s:.1f}s", flush=True)
    return row


def summarize(rows: list[dict]) -> dict:
    def acc(key: str) -> dict[str, float]:
        scored = [r[key] for r in rows if r[key] is not None]
        return {f"acc@{k}": round(sum(h[k] for h in scored) / len(scored), 4) if scored else 0.0 for k in KS}

    return {"instances": len(rows), "with_function_gold": sum(r["function_hits"] is not None for r in rows),
            "locate_file": acc("file_hits"), "locate_function": acc("function_hits"),
            "bm25_file": acc("bm25_file_hits"),
            "mean_locate_s": round(sum(r["locate_s"] for r in rows) / max(1, len(rows)), 2)}


def print_summary(summary: dict) -> None:
    print(f"\n{summary['instances']} instances ({summary['with_function_gold']} with function-level gold)")
    print(f"{'':22s}" + "".join(f"{'Acc@' + str(k):>9s}" for k in KS))
    for label, key in (("locate files", "locate_file"), ("BM25 files (baseline)", "bm25_file"),
                       ("locate functions", "locate_function")):
        print(f"{label:22s}" + "".join(f"{summary[key][f'acc@{k}'] * 100:8.1f}%" for k in KS))


if __name__ == "__main__":
    main()
