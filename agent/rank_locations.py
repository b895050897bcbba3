"""Rank files, then definitions, for one issue with the learned linear models (no model server, no search).

Two stages: every source file is scored from its features; the definitions (functions, methods, classes) of the
best `def_files` files, and any definition with exact evidence elsewhere, are scored from theirs, one of which is
their file's score relative to the best file. The result also serves as the value function of the MCTS explorer
(`RankedScorer`), which can re-rank around strong candidates through the graph.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from repowright.analyzers.graph import (
    CODE_KINDS,
    KnowledgeGraph,
)

from .learned_rank import model_for
from .locate_features import DEF_COLUMNS, FILE_COLUMNS, FeatureBuilder, def_columns, file_columns
from .locate_index import build_text_index

DEF_FILES = 20


@dataclass
class Ranking:
    """Scores (higher is better) of files and definitions, and a short reason per node."""

    files: dict[str, float] = field(default_factory=dict)
    defs: dict[str, float] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)

    def ordered_files(self) -> list[str]:
        return sorted(self.files, key=lambda p: (-self.files[p], p))

    def ordered_defs(self) -> list[str]:
        return sorted(self.defs, key=lambda n: (-self.defs[n], n))


REASONS = {
    "frame": "in a stack-trace frame",
    "path_named": "file named in the issue",
    "dotted": "dotted name in the issue",
    "ident_def": "defines names from the issue",
    "ident_code_def": "defines names from the issue's code",
    "name_exact": "named in the issue",
    "name_code": "named in the issue's code",
    "literal": "holds a string quoted in the issue",
    "ident_text": "uses rare names from the issue",
    "stem": "file named after a name in the issue",
    "test_link": "used by a test named in the issue",
    "near": "next to direct evidence in the graph",
    "file_score": "in a top-ranked file",
    "rank_file_score": "in a top-ranked file",
    "rank_name_exact": "named in the issue",
    "rank_ident_def": "defines names from the issue",
    "rank_ident_code_def": "defines names from the issue's code",
    "rank_ident_text": "uses rare names from the issue",
    "name_word": "its name is a word of the issue",
    "class_word": "its class is named in the issue",
    "stem_word": "file named in the issue's words",
    "path_words": "its path is made of the issue's words",
    "stem_words": "its path is made of the issue's words",
    "dir_words": "its folders are named in the issue",
}


def _reason(names: tuple[str, ...], row: list[float], weights: tuple[float, ...]) -> str:
    """The three features that contributed most to a score, in words (words shared with the issue for BM25)."""
    parts = sorted(
        ((w * x, n) for n, x, w in zip(names, row, weights, strict=True) if w * x > 0), reverse=True
    )
    words = [REASONS.get(n, "shares words with the issue") for _, n in parts[:4]]
    return "; ".join(dict.fromkeys(words)) or "no direct evidence"


def rank_locations(
    kg: KnowledgeGraph,
    issue: str,
    *,
    root: Path | None = None,
    def_files: int = DEF_FILES,
    cache_dir: Path | None = None,
) -> Ranking:
    """Learned scores for every source file and for the definitions of the best files; `cache_dir` (the graph
    cache folder) keeps the text index on disk between processes."""
    index = build_text_index(kg, root, cache_dir)
    builder = FeatureBuilder(kg, index, issue)
    fmodel, dmodel = model_for("files", FILE_COLUMNS), model_for("defs", DEF_COLUMNS)
    out = Ranking()
    file_rows = builder.file_rows()
    paths = list(file_rows)
    for path, row in zip(paths, file_columns(paths, list(file_rows.values()), issue), strict=True):
        out.files[path] = fmodel.score(row)
        out.reasons[path] = _reason(FILE_COLUMNS, row, fmodel.weights)
    best = max(out.files.values(), default=0.0)
    relative = {p: math.exp(s - best) for p, s in out.files.items()}
    top_files = out.ordered_files()[:def_files]
    nodes = [
        n for p in top_files for n in index.defs_of.get(p, ()) if kg.graph.nodes[n]["kind"] in CODE_KINDS
    ]
    def_rows = builder.def_rows(nodes, relative)
    ids = list(def_rows)
    for node, row in zip(ids, def_columns(ids, list(def_rows.values()), issue), strict=True):
        out.defs[node] = dmodel.score(row)
        out.reasons[node] = _reason(DEF_COLUMNS, row, dmodel.weights)
    return out


class RankedScorer:
    """A `Scorer` for the explorer: a node's learned score squashed to (0, 1) relative to the best of its kind."""

    def __init__(self, kg: KnowledgeGraph, ranking: Ranking) -> None:
        self.graph, self.ranking = kg.graph, ranking
        self.best_file = max(ranking.files.values(), default=0.0)
        self.best_def = max(ranking.defs.values(), default=0.0)

    def value(self, node_id: str) -> float:
        if node_id in self.ranking.defs:
            return math.exp(min(0.0, self.ranking.defs[node_id] - self.best_def))
        if node_id in self.ranking.files:
            return math.exp(min(0.0, self.ranking.files[node_id] - self.best_file))
        return 0.0

    def reason(self, node_id: str) -> str:
        return self.ranking.reasons.get(node_id, "reached through the graph")
