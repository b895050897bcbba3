"""Extraction quality in DocTer's categories against hand labels made from torch 2.13 docstrings.

Scores `constraints` output, seen through `analyzers.docter_format`, on tests/data/fuzz/docter/ (development
parts the rules may be tuned on, and frozen parts that are only scored). Two measures per category:
- presence: a (parameter, category) cell counts when it is non-empty; precision = labelled cells among the
  cells the extractor fills, recall = filled cells among the labelled ones (DocTer's "presence" measure);
- value: one fact per (parameter, category, value); exact matches only.
Parameters the labels do not list (undocumented or underscored ones) are not scored.

Run: `python -m repowright.evals.bench_docter [--split dev|dev2|devall|frozen|frozen2|all] [--show-errors] [--json FILE]`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from repowright.analyzers.api_docs import ApiDoc
from repowright.analyzers.doc_constraints import extract
from repowright.analyzers.docter_format import DOCTER_CATEGORIES, docter_param

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "fuzz" / "docter"
SCORED = (*DOCTER_CATEGORIES, "default", "optional")


SPLITS = ("dev", "frozen", "dev2", "frozen2")


def labels(split: str) -> dict[str, dict]:
    """The hand labels of one split (`dev`, `frozen`, `dev2`, `frozen2`), of both dev parts (`devall`), or all."""
    parts = {"all": SPLITS, "devall": ("dev", "dev2")}.get(split, (split,))
    out: dict[str, dict] = {}
    for part in parts:
        out.update(yaml.safe_load((DATA / f"labels_{part}.yaml").read_text()))
    return out


def extracted(api: str, docs: dict) -> dict[str, dict]:
    """The extractor's record for one API, per parameter, in DocTer's categories plus default/optional."""
    record = extract(ApiDoc(**docs[api]))
    out = {}
    for name, param in record.params.items():
        cells: dict = docter_param(param)
        if param.default is not None:
            cells["default"] = param.default
        cells["optional"] = param.optional
        out[name] = cells
    return out


def normalize(category: str, value: object) -> list[str]:
    """Comparable strings for one cell (`'mean'` and `mean` are the same default; spaces never matter)."""
    if value is None or value == [] or (category == "optional" and value is None):
        return []
    values = value if isinstance(value, list) else [value]
    return [str(v).strip("'\"").replace(" ", "") for v in values]


def score(truth: dict[str, dict], docs: dict) -> dict:
    """Presence and value precision/recall per category, with every miss and false alarm for `--show-errors`."""
    rows = {
        c: {"labelled": 0, "extracted": 0, "both": 0, "facts_l": 0, "facts_e": 0, "facts_ok": 0}
        for c in SCORED
    }
    errors: list[str] = []
    for api, params in truth.items():
        found = extracted(api, docs)
        for name, want in params.items():
            got = found.get(name, {})
            for category in SCORED:
                w, g = normalize(category, want.get(category)), normalize(category, got.get(category))
                row = rows[category]
                row["labelled"] += bool(w)
                row["extracted"] += bool(g)
                row["both"] += bool(w) and bool(g)
                row["facts_l"] += len(set(w))
                row["facts_e"] += len(set(g))
                row["facts_ok"] += len(set(w) & set(g))
                if set(w) != set(g):
                    errors.append(f"{api} {name} {category}: labelled {w} extracted {g}")
    for row in rows.values():
        row["presence_precision"] = row["both"] / row["extracted"] if row["extracted"] else None
        row["presence_recall"] = row["both"] / row["labelled"] if row["labelled"] else None
        row["value_precision"] = row["facts_ok"] / row["facts_e"] if row["facts_e"] else None
        row["value_recall"] = row["facts_ok"] / row["facts_l"] if row["facts_l"] else None
    return {
        "apis": len(truth),
        "params": sum(len(p) for p in truth.values()),
        "categories": rows,
        "errors": errors,
    }


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def report(result: dict, split: str, show_errors: bool) -> None:
    print(f"{split}: {result['apis']} APIs, {result['params']} parameters (hand labels, DocTer conventions)")
    print(
        f"{'category':10} {'labelled':>8} {'filled':>7} {'presence P':>10} {'presence R':>10} "
        f"{'value P':>8} {'value R':>8}"
    )
    for category, row in result["categories"].items():
        print(
            f"{category:10} {row['labelled']:8} {row['extracted']:7} {_pct(row['presence_precision']):>10} "
            f"{_pct(row['presence_recall']):>10} {_pct(row['value_precision']):>8} {_pct(row['value_recall']):>8}"
        )
    if show_errors:
        print("\n".join(result["errors"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=(*SPLITS, "devall", "all"), default="frozen")
    parser.add_argument("--show-errors", action="store_true", help="print every cell that differs")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args(argv)
    docs = json.loads((DATA / "docstrings.json").read_text())
    result = score(labels(args.split), docs)
    report(result, args.split, args.show_errors)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
