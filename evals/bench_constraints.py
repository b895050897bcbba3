"""Extraction quality: precision and recall per category against the hand-labelled torch ground truth."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from repowright.analyzers.api_docs import ApiDoc
from repowright.analyzers.doc_constraints import CATEGORIES, ApiConstraints, extract

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "fuzz"


def facts(api: str, params: dict[str, dict]) -> set[tuple]:
    """Atomic facts: one per (api, param, category, value); list categories give one fact per element."""
    out: set[tuple] = set()
    for name, labels in params.items():
        for category in CATEGORIES:
            value = labels.get(category)
            if value is None or value == []:
                continue
            if category in ("structure", "dtype", "ndim", "enum"):
                out.update((api, name, category, str(v)) for v in value)
            elif category == "shape":
                out.update((api, name, category, ",".join(map(str, s))) for s in value)
            else:
                out.add((api, name, category, str(value)))
    return out


def record_labels(record: ApiConstraints) -> dict[str, dict]:
    return {name: {c: getattr(p, c) for c in CATEGORIES} for name, p in record.params.items()}


def score(truth: set[tuple], found: set[tuple]) -> dict:
    """Precision, recall and counts per category and overall (and overall without default/optional)."""
    rows: dict[str, dict] = {}
    groups = {c: {c} for c in CATEGORIES}
    groups["overall"] = set(CATEGORIES)
    groups["overall (docs only: no default/optional)"] = set(CATEGORIES) - {"default", "optional"}
    for label, cats in groups.items():
        t = {f for f in truth if f[2] in cats}
        f = {f for f in found if f[2] in cats}
        hit = len(t & f)
        rows[label] = {
            "labelled": len(t),
            "extracted": len(f),
            "correct": hit,
            "precision": hit / len(f) if f else None,
            "recall": hit / len(t) if t else None,
        }
    return rows


def run(docs_path: Path, truth_path: Path) -> dict:
    docs = json.loads(docs_path.read_text())
    labels = yaml.safe_load(truth_path.read_text())
    truth: set[tuple] = set()
    found: set[tuple] = set()
    for api, params in labels.items():
        truth |= facts(api, params)
        found |= facts(api, record_labels(extract(ApiDoc(**docs[api]))))
    result = {
        "apis": len(labels),
        "categories": score(truth, found),
        "false_positives": sorted(map(list, found - truth)),
        "misses": sorted(map(list, truth - found)),
    }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=Path, default=DATA / "docstrings.json")
    parser.add_argument(
        "--truth",
        type=Path,
        action="append",
        help="labels to score (default: the development set, then the held-out set)",
    )
    parser.add_argument("--json", type=Path, help="also write the full result (with every miss) here")
    parser.add_argument("--show-errors", action="store_true", help="print false positives and misses")
    args = parser.parse_args(argv)
    truths = args.truth or [DATA / "ground_truth.yaml", DATA / "ground_truth_heldout.yaml"]
    results = {}
    for truth in truths:
        results[truth.name] = report(run(args.docs, truth), truth.name, args.show_errors)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


def report(result: dict, name: str, show_errors: bool) -> dict:
    print(
        f"\n{name}: constraint extraction on {result['apis']} hand-labelled torch APIs "
        "(DocTer anchor: 85.4% precision)"
    )
    print(f"{'category':44} {'labelled':>8} {'extracted':>9} {'correct':>7} {'precision':>9} {'recall':>7}")
    for name, row in result["categories"].items():
        p = "-" if row["precision"] is None else f"{100 * row['precision']:.1f}%"
        r = "-" if row["recall"] is None else f"{100 * row['recall']:.1f}%"
        print(f"{name:44} {row['labelled']:8} {row['extracted']:9} {row['correct']:7} {p:>9} {r:>7}")
    if show_errors:
        for kind in ("false_positives", "misses"):
            print(f"\n{kind}:")
            for fact in result[kind]:
                print("  ", *fact)
    return result


if __name__ == "__main__":
    sys.exit(main())
