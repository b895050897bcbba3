"""Gradient-boosted trees (LambdaMART, LightGBM) against the linear listwise ranker, on the same feature dumps.

A measurement, not a shipped ranker: `locate` keeps the linear model unless trees win leave-one-repository-out on
the tuning part. Files: LambdaMART over FILE_COLUMNS of every source file. Definitions: LambdaMART over
DEF_COLUMNS of the definitions of the linear file model's top 20 files (the candidates `locate` scores). Both are
scored beside the linear models, leave one repository out on `--train`, and (aggregate only) on each `--report`
split with models trained on all of `--train`. Needs `pip install repowright[train]` (lightgbm).

Usage: python -m repowright.evals.locate_gbm --work /tmp/locate-bench --dataset evals/data/locate_tune.jsonl
       --dataset evals/data/locate_frozen.jsonl [--cv] [--report locate_frozen]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import numpy as np

from repowright.agent.locate_features import FILE_COLUMNS
from repowright.evals.train_locate import KS, def_candidates, file_matrix, hits, load_dumps, train

Scorer = Callable[[np.ndarray], np.ndarray]
PARAMS = {
    "objective": "lambdarank",
    "learning_rate": 0.05,
    "num_leaves": 7,
    "min_data_in_leaf": 50,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambdarank_truncation_level": 20,
    "verbosity": -1,
    "num_threads": 2,
    "seed": 1,
}
ROUNDS = 200
ALL_FILES = np.ones(len(FILE_COLUMNS))


def lambdamart(groups: list[tuple[np.ndarray, np.ndarray]], params: dict | None = None) -> Scorer:
    """A LambdaMART scorer fitted to (rows, gold row indices) groups, one group per instance."""
    import lightgbm as lgb  # optional: only this measurement needs it

    groups = [g for g in groups if len(g[0]) and len(g[1])]
    x = np.vstack([rows for rows, _ in groups])
    y = np.concatenate([np.isin(np.arange(len(rows)), gold).astype(float) for rows, gold in groups])
    data = lgb.Dataset(x, y, group=[len(rows) for rows, _ in groups])
    booster = lgb.train({**PARAMS, **(params or {})}, data, ROUNDS)
    return lambda rows: np.asarray(booster.predict(rows)) if len(rows) else np.zeros(0)


def file_group(d: dict) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """An instance's file rows, gold row indices and paths."""
    gold = set(d["gold_files"])
    return file_matrix(d), np.array([i for i, p in enumerate(d["files"]) if p in gold]), d["files"]


def def_group(d: dict, file_w: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """An instance's candidate definition rows (linear file model's top 20 files), gold indices and ids."""
    ids, x = def_candidates(d, file_w, ALL_FILES, 20)
    gold = set(d["gold_functions"])
    return x, np.array([i for i, n in enumerate(ids) if n in gold]), ids


def top_hits(scores: np.ndarray, ids: list[str], gold: set[str]) -> list[bool]:
    """Whether every gold id is in the top k, for each k in KS (ties broken by id, as `locate` does)."""
    order = [ids[i] for i in sorted(range(len(ids)), key=lambda i: (-scores[i], ids[i]))]
    return list(hits(order, gold).values())


def compare(train_set: list[dict], test_set: list[dict]) -> dict[str, list[list[bool]]]:
    """Per test instance hits of linear and LambdaMART files and definitions, models fitted on `train_set`."""
    linear = train(train_set)
    wf, wd = linear["files"], linear["defs"]
    files = lambdamart([file_group(d)[:2] for d in train_set if set(d["gold_files"]) <= set(d["files"])])
    defs = lambdamart([def_group(d, wf)[:2] for d in train_set if d["gold_functions"]])
    out: dict[str, list[list[bool]]] = {
        "linear files": [],
        "trees files": [],
        "linear defs": [],
        "trees defs": [],
    }
    for d in test_set:
        x, _, paths = file_group(d)
        out["linear files"].append(top_hits(x @ wf, paths, set(d["gold_files"])))
        out["trees files"].append(top_hits(files(x), paths, set(d["gold_files"])))
        if d["gold_functions"]:
            dx, _, ids = def_group(d, wf)
            out["linear defs"].append(
                top_hits(dx @ wd if len(ids) else np.zeros(0), ids, set(d["gold_functions"]))
            )
            out["trees defs"].append(top_hits(defs(dx), ids, set(d["gold_functions"])))
    return out


def leave_one_repo_out(dumps: list[dict]) -> dict[str, list[list[bool]]]:
    """`compare` with each repository held out in turn, hits pooled over instances."""
    pooled: dict[str, list[list[bool]]] = {}
    for repo in sorted({d["repo"] for d in dumps}):
        part = compare([d for d in dumps if d["repo"] != repo], [d for d in dumps if d["repo"] == repo])
        for key, rows in part.items():
            pooled.setdefault(key, []).extend(rows)
    return pooled


def table(title: str, res: dict[str, list[list[bool]]]) -> str:
    """Acc@k lines, one per ranker and level."""
    lines = [f"== {title}"]
    for key, rows in res.items():
        accs = " ".join(f"{100 * sum(r[i] for r in rows) / max(1, len(rows)):5.1f}" for i in range(len(KS)))
        lines.append(f"{key:14s} Acc@{'/'.join(map(str, KS))} {accs}  (n={len(rows)})")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/locate-bench"))
    parser.add_argument("--dataset", type=Path, action="append", required=True)
    parser.add_argument("--train", default="locate_tune")
    parser.add_argument("--report", default="", help="comma-separated splits to score (aggregate only)")
    parser.add_argument("--cv", action="store_true", help="leave-one-repository-out scores on --train")
    args = parser.parse_args()
    dumps = load_dumps(args.work, args.dataset)
    train_set = [d for d in dumps if d["split"] == args.train]
    if not train_set:
        parser.exit(2, f"no dumps of split {args.train} under {args.work}/features; run evals.locate_dump\n")
    if args.cv:
        print(table(f"{args.train}, leave one repository out", leave_one_repo_out(train_set)), flush=True)
    for split in [s for s in args.report.split(",") if s]:
        print(table(split, compare(train_set, [d for d in dumps if d["split"] == split])), flush=True)


if __name__ == "__main__":
    main()
