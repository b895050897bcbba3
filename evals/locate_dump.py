"""Dump localisation features per instance, so rankers can be trained and ablated without re-mapping trees.

For each instance the repository's working tree (evals/locate_checkout.py) is moved to `base_commit`, mapped,
and every source file's feature row written, with definition rows for the files any signal ranks high (top 40
by code or names BM25, top 20 by path BM25, or any exact evidence). Gold comes from `gold_lines` (mined set) or
the instance's `patch` (SWE-bench), mapped to the innermost function or method as bench_locate does.
A finished instance is not recomputed (delete its JSON to redo it).

Usage: python -m repowright.evals.locate_dump --dataset FILE [--dataset FILE...] --mirror /work/.mirror
       --work /tmp/locate-bench
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from collections import defaultdict
from pathlib import Path

from repowright.agent.atomic import atomic_write
from repowright.agent.locate_features import DEF_FEATURES, FILE_FEATURES, FeatureBuilder
from repowright.agent.locate_index import build_text_index

from .bench_locate import bm25_files, find_repo, gold_functions, patch_lines
from .locate_checkout import Checkout

TOP_BY = {"bm25_code": 40, "bm25_names": 40, "bm25_path": 20}
EXACT = ("ident_def", "stem", "dotted", "path_named", "frame", "literal", "test_link", "ident_text")


def load(paths: list[Path]) -> list[dict]:
    rows = []
    for path in paths:
        for line in path.read_text().splitlines():
            if line.strip():
                inst = json.loads(line)
                inst.setdefault("split", path.stem)
                rows.append(inst)
    return rows


def gold_lines(inst: dict) -> dict[str, set[int]]:
    if "gold_lines" in inst:
        return {p: set(v) for p, v in inst["gold_lines"].items()}
    return patch_lines(inst["patch"])


def candidate_files(rows: dict[str, list[float]]) -> set[str]:
    """Files whose definitions get rows: high on any text field, or with any exact evidence."""
    keep: set[str] = set()
    for name, k in TOP_BY.items():
        col = FILE_FEATURES.index(name)
        keep.update(sorted(rows, key=lambda p: (-rows[p][col], p))[:k])
    cols = [FILE_FEATURES.index(n) for n in EXACT]
    keep.update(p for p, r in rows.items() if any(r[c] > 0 for c in cols))
    return keep


def dump_instance(inst: dict, checkout: Checkout) -> dict:
    start = time.perf_counter()
    checkout.goto(inst["base_commit"])
    kg = checkout.graph()
    graph_s = time.perf_counter() - start
    start = time.perf_counter()
    index = build_text_index(kg, checkout.root)
    builder = FeatureBuilder(kg, index, inst["problem_statement"])
    file_rows = builder.file_rows()
    keep = candidate_files(file_rows)
    nodes = sorted(
        n for p in keep for n in index.defs_of.get(p, ()) if kg.graph.nodes[n]["kind"] != "variable"
    )
    def_rows = builder.def_rows(nodes, {})
    feature_s = time.perf_counter() - start
    lines = gold_lines(inst)
    gold_funcs = sorted(f"{p}::{q}" for p, q in gold_functions(kg, lines))
    return {
        "instance_id": inst["instance_id"],
        "repo": inst["repo"],
        "split": inst["split"],
        "gold_files": sorted(lines),
        "gold_functions": gold_funcs,
        "files": list(file_rows),
        "file_rows": [[round(x, 4) for x in r] for r in file_rows.values()],
        "defs": list(def_rows),
        "def_rows": [[round(x, 4) for x in r] for r in def_rows.values()],
        "file_features": list(FILE_FEATURES),
        "def_features": list(DEF_FEATURES),
        "bm25_files": bm25_files(kg, checkout.root, inst["problem_statement"]),
        "graph_s": round(graph_s, 2),
        "feature_s": round(feature_s, 2),
    }


def commit_time(repo: Path, sha: str) -> int:
    out = subprocess.run(
        [
            "git",
            "--git-dir",
            str(repo / ".git" if (repo / ".git").exists() else repo),
            "show",
            "-s",
            "--format=%ct",
            sha,
        ],
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip() or 0)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dataset", type=Path, action="append", required=True)
    parser.add_argument("--mirror", type=Path, required=True)
    parser.add_argument("--work", type=Path, default=Path("/tmp/locate-bench"))
    args = parser.parse_args()
    by_repo: dict[str, list[dict]] = defaultdict(list)
    for inst in load(args.dataset):
        by_repo[inst["repo"]].append(inst)
    out_dir = args.work / "features"
    for repo_name, insts in sorted(by_repo.items()):
        repo = find_repo(args.mirror, repo_name)
        if repo is None:
            print(f"{repo_name}: not in {args.mirror}, skipped")
            continue
        checkout = Checkout(repo, args.work / repo_name.replace("/", "+"))
        for inst in sorted(insts, key=lambda i: commit_time(repo, i["base_commit"])):
            target = out_dir / f"{inst['instance_id']}.json"
            if target.exists():
                continue
            try:
                row = dump_instance(inst, checkout)
            except (
                Exception
            ) as exc:  # one unmappable tree must not end a long run; it is reported and skipped
                print(
                    f"{inst['instance_id']}: skipped, mapping failed: {type(exc).__name__}: {exc}", flush=True
                )
                checkout.commit = None  # re-export from scratch next time
                continue
            atomic_write(target, json.dumps(row))
            print(
                f"{inst['instance_id']:48s} files {len(row['files']):5d} defs {len(row['defs']):5d} "
                f"graph {row['graph_s']:.1f}s features {row['feature_s']:.1f}s",
                flush=True,
            )


if __name__ == "__main__":
    main()
