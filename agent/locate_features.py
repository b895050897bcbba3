"""Features of files and definitions for one issue: what a learned ranker (agent/learned_rank.py) combines.

Every feature is a non-negative number, scaled per issue where its raw size depends on the repository (BM25
scores are divided by the issue's best score), so one set of weights transfers across repositories:
- fielded BM25 (path, definition names, docstrings, code) of the issue, its reciprocal rank in the code field;
- exact matches: issue identifiers equal to a definition's name (rarer names count more, code spans more than
  prose), a file named after an identifier, dotted names resolving to a module or qualified name, file paths,
  stack-trace frames (site-packages prefixes are dropped by matching the longest path tail), quoted strings and
  error messages found verbatim in the source;
- test-to-source links: a test file or test function named in the issue points at the code it imports and calls;
- graph: in-degree over calls/imports/inheritance/references (centrality), and the best direct evidence among a
  node's import or call neighbours (proximity);
- kind of path: tests, docs/examples/scripts, `__init__.py`.
"""

from __future__ import annotations

import math
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass

from repowright.analyzers.graph import (
    CODE_KINDS,
    LINK_EDGES,
    EdgeKind,
    KnowledgeGraph,
    NodeKind,
)

from .issue_signals import IssueSignals, read_signals
from .locate_index import TextIndex, fast_tokenize
from .path_roles import AUX_PATH, TEST_PATH

FILE_FEATURES = (
    "bm25_path",
    "bm25_names",
    "bm25_docs",
    "bm25_code",
    "rank_code",
    "ident_def",
    "ident_code_def",
    "ident_text",
    "stem",
    "dotted",
    "path_named",
    "frame",
    "literal",
    "test_link",
    "near",
    "degree",
    "best_def",
    "is_test",
    "is_aux",
    "is_init",
)
DEF_FEATURES = (
    "bm25_names",
    "bm25_docs",
    "bm25_code",
    "rank_code",
    "name_exact",
    "name_code",
    "dotted",
    "frame",
    "literal",
    "test_link",
    "near",
    "degree",
    "is_class",
    "is_test",
    "log_lines",
    "file_score",
)
# Rank transforms computed over all candidates of one issue: where a node stands matters more across
# repositories than how large its raw score is.
FILE_RANKED = (
    "bm25_path",
    "bm25_names",
    "bm25_docs",
    "ident_def",
    "ident_code_def",
    "ident_text",
    "best_def",
)
DEF_RANKED = ("bm25_names", "bm25_docs", "name_exact", "file_score")
# How much of a file's path is made of the issue's words (all of it, its stem, its folders), and its depth.
PATH_WORD_COLUMNS = ("path_words", "stem_words", "dir_words", "depth")
FILE_COLUMNS = FILE_FEATURES + tuple(f"rank_{n}" for n in FILE_RANKED) + ("stem_word",) + PATH_WORD_COLUMNS
DEF_COLUMNS = DEF_FEATURES + tuple(f"rank_{n}" for n in DEF_RANKED) + ("name_word", "class_word")
_WORDS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PIECES = re.compile(r"[A-Za-z][a-z0-9]+|[A-Z]+(?![a-z])|[0-9]+")


def file_columns(paths: list[str], rows: list[list[float]], issue: str) -> list[list[float]]:
    """FILE_COLUMNS rows: the base features, their ranks, whether the file's stem is a word of the issue, and
    the path's share of issue words."""
    words = set(_WORDS.findall(issue))
    pieces = word_pieces(issue)
    ranked = with_ranks(rows, FILE_FEATURES, FILE_RANKED)
    stems = [posixpath.splitext(posixpath.basename(p))[0] for p in paths]
    return [
        r + [float(len(st) >= 4 and st in words)] + path_words(p, pieces)
        for r, st, p in zip(ranked, stems, paths, strict=True)
    ]


def word_pieces(text: str) -> set[str]:
    """Lower-cased pieces of every word (snake_case and CamelCase split)."""
    return {w.lower() for w in _PIECES.findall(text)}


def path_words(path: str, issue_pieces: set[str]) -> list[float]:
    """PATH_WORD_COLUMNS: the share of the path's, stem's and folders' word pieces that the issue uses; depth/10."""
    parts = posixpath.splitext(path)[0].split("/")
    stem = sorted(word_pieces(parts[-1]))
    dirs = [w for part in parts[:-1] for w in sorted(word_pieces(part))]

    def share(ws: list[str]) -> float:
        return sum(w in issue_pieces for w in ws) / max(1, len(ws))

    return [share(dirs + stem), share(stem), share(dirs), len(parts) / 10.0]


def def_columns(ids: list[str], rows: list[list[float]], issue: str) -> list[list[float]]:
    """DEF_COLUMNS rows: base features, ranks, and whether the definition's name (or its class's) is an issue word
    (a plain word such as `lookup` in prose, which the identifier rules leave out)."""
    words = set(_WORDS.findall(issue))
    ranked = with_ranks(rows, DEF_FEATURES, DEF_RANKED)
    out = []
    for node, row in zip(ids, ranked, strict=True):
        parts = node.split("::", 1)[-1].split(".")
        name = parts[-1].split("#")[0]
        owner = parts[-2] if len(parts) > 1 else ""
        out.append(row + [float(len(name) >= 4 and name in words), float(len(owner) >= 4 and owner in words)])
    return out


def with_ranks(rows: list[list[float]], names: tuple[str, ...], ranked: tuple[str, ...]) -> list[list[float]]:
    """Each row extended by 1/sqrt(1 + rank) of its value in each `ranked` column (0 where the value is 0)."""
    extra: list[list[float]] = [[] for _ in rows]
    for name in ranked:
        col = names.index(name)
        order = sorted((i for i, r in enumerate(rows) if r[col] > 0), key=lambda i: -rows[i][col])
        value = [0.0] * len(rows)
        for rank, i in enumerate(order):
            value[i] = 1.0 / math.sqrt(1 + rank)
        for i in range(len(rows)):
            extra[i].append(value[i])
    return [r + e for r, e in zip(rows, extra, strict=True)]


@dataclass
class Evidence:
    """Raw per-node evidence sums before features are assembled."""

    files: dict[str, dict[str, float]]
    defs: dict[str, dict[str, float]]


def _scaled(scores: dict[str, float]) -> dict[str, float]:
    top = max(scores.values(), default=0.0) or 1.0
    return {k: v / top for k, v in scores.items()}


def _reciprocal_rank(scores: dict[str, float]) -> dict[str, float]:
    ranked = sorted(scores, key=lambda k: (-scores[k], k))
    return {k: 1.0 / math.sqrt(1 + i) for i, k in enumerate(ranked[:200])}


def files_matching(mention: str, files: list[str]) -> list[str]:
    """Files named by the longest tail of `mention` (so site-packages/pkg/mod.py finds pkg/mod.py)."""
    parts = mention.lstrip("/").split("/")
    for cut in range(len(parts)):
        tail = "/".join(parts[cut:])
        found = [f for f in files if f == tail or f.endswith("/" + tail)]
        if found:
            return found if len(found) <= 3 else []
    return []


class FeatureBuilder:
    """Feature rows for the files and definitions of one graph and one issue."""

    def __init__(self, kg: KnowledgeGraph, index: TextIndex, issue: str) -> None:
        self.kg, self.graph, self.index = kg, kg.graph, index
        self.signals: IssueSignals = read_signals(issue)
        self.query = fast_tokenize(issue)
        self.names: dict[str, list[str]] = defaultdict(list)
        for node in index.defs:
            self.names[self.graph.nodes[node]["name"]].append(node)
        self.fe: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.de: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self._text_features()
        self._exact_features()
        self._test_links()

    # text ---------------------------------------------------------------------------------------------------
    def _text_features(self) -> None:
        for name in ("path", "names", "docs", "code"):
            for node, value in _scaled(self.index.file_scores(name, self.query)).items():
                self.fe[node][f"bm25_{name}"] = value
        code = self.index.file_scores("code", self.query)
        for node, value in _reciprocal_rank(code).items():
            self.fe[node]["rank_code"] = value
        for name in ("names", "docs", "code"):
            for node, value in _scaled(self.index.def_scores(name, self.query)).items():
                self.de[node][f"bm25_{name}"] = value
        dcode = self.index.def_scores("code", self.query)
        for node, value in _reciprocal_rank(dcode).items():
            self.de[node]["rank_code"] = value
        for node, feats in self.de.items():
            path = self.graph.nodes[node]["path"]
            self.fe[path]["best_def"] = max(self.fe[path]["best_def"], feats.get("bm25_code", 0.0))

    # exact evidence -----------------------------------------------------------------------------------------
    def _exact_features(self) -> None:
        sig, files = self.signals, self.index.files
        stems: dict[str, list[str]] = defaultdict(list)
        for path in files:
            stems[posixpath.splitext(posixpath.basename(path))[0].lower()].append(path)
        for i, frame in enumerate(sig.frames):
            weight = 1.0 + (i + 1) / len(sig.frames)  # the innermost frame most
            for path in files_matching(frame.path, files):
                self.fe[path]["frame"] = max(self.fe[path]["frame"], weight)
                for node in self.names.get(frame.function, ()):
                    if self.graph.nodes[node]["path"] == path:
                        self.de[node]["frame"] = max(self.de[node]["frame"], weight)
        for mention in sig.paths:
            for path in files_matching(mention, files):
                self.fe[path]["path_named"] = 1.0
        for dotted in sig.dotted:
            self._dotted(dotted, files)
        for ident in sig.identifiers:
            in_code = ident in sig.code_identifiers
            defs = self.names.get(ident, ())
            share = 1.0 / math.log2(2 + len(defs)) if defs else 0.0
            for node in defs:
                self.de[node]["name_exact"] += share
                if in_code:
                    self.de[node]["name_code"] += share
                path = self.graph.nodes[node]["path"]
                self.fe[path]["ident_def"] += share
                if in_code:
                    self.fe[path]["ident_code_def"] += share
            for path in stems.get(ident.lower(), ()):
                self.fe[path]["stem"] += 1.0 / len(stems[ident.lower()])
        self._verbatim(files)

    def _dotted(self, dotted: str, files: list[str]) -> None:
        parts = dotted.split(".")
        for node in self.names.get(parts[-1], ()):
            attrs = self.graph.nodes[node]
            module = attrs["path"].rsplit(".", 1)[0].replace("/", ".")
            if attrs["qualname"].endswith(".".join(parts[-2:])) or module.endswith(".".join(parts[:-1])):
                self.de[node]["dotted"] = 1.0
                self.fe[attrs["path"]]["dotted"] = max(self.fe[attrs["path"]]["dotted"], 0.5)
        module_path = "/".join(parts)
        for path in files:
            stem = path.rsplit(".", 1)[0]
            if stem.endswith(module_path) or stem.endswith(module_path + "/__init__"):
                self.fe[path]["dotted"] = 1.0

    def _verbatim(self, files: list[str]) -> None:
        """Quoted strings and error messages found in the source; rare issue identifiers used in a file."""
        literals = [lit for lit in self.signals.literals if len(lit) >= 6]
        idents = [i for i in self.signals.identifiers if len(i) >= 5][:40]
        holders: dict[str, list[str]] = {}
        for ident in idents:
            holders[ident] = [p for p in files if ident in self.index.text.get(p, "")]
        for paths in holders.values():
            if paths and len(paths) <= max(3, len(files) // 20):
                for path in paths:
                    self.fe[path]["ident_text"] += 1.0 / math.log2(1 + len(paths) + 1)
        for lit in literals:
            paths = [p for p in files if lit in self.index.text.get(p, "")]
            if paths and len(paths) <= 5:
                for path in paths:
                    self.fe[path]["literal"] += 1.0 / len(paths)
                    self._literal_defs(path, lit)

    def _literal_defs(self, path: str, lit: str) -> None:
        lines = self.index.text.get(path, "").splitlines()
        for node in self.index.defs_of.get(path, ()):
            attrs = self.graph.nodes[node]
            if attrs["kind"] in CODE_KINDS and lit in "\n".join(
                lines[attrs["start_line"] - 1 : attrs["end_line"]]
            ):
                self.de[node]["literal"] = 1.0

    # graph --------------------------------------------------------------------------------------------------
    def _test_links(self) -> None:
        """A named test file or test function lends evidence to the code it imports and calls. Tests are found
        in the graph: most are not in the text index (agent/locate_index.py)."""
        test_idents = {i for i in self.signals.identifiers if i.startswith("test")}
        if not self.signals.paths and not test_idents:
            return
        tests: dict[str, list[str]] = defaultdict(list)  # test file -> its definitions
        for node, attrs in self.graph.nodes(data=True):
            path = attrs.get("path", "")
            if path and TEST_PATH.search(path) and (attrs.get("kind") in CODE_KINDS or node == path):
                tests[path].append(node)
        named = [p for m in self.signals.paths for p in files_matching(m, list(tests))]
        starts = [n for p in named for n in (p, *tests[p])]
        starts += [
            n for nodes in tests.values() for n in nodes if self.graph.nodes[n].get("name") in test_idents
        ]
        for start in starts:
            for _, target, kind in self.graph.out_edges(start, keys=True):
                if kind in LINK_EDGES:
                    path = self.graph.nodes[target].get("path", "")
                    if path and not TEST_PATH.search(path):
                        self.fe[path]["test_link"] = 1.0
                        if target in self.de or self.graph.nodes[target].get("kind") in CODE_KINDS:
                            self.de[target]["test_link"] = 1.0

    def _direct(self, feats: dict[str, float], keys: tuple[str, ...]) -> float:
        return sum(feats.get(k, 0.0) for k in keys)

    def file_rows(self) -> dict[str, list[float]]:
        """A feature row per source file (FILE_FEATURES order)."""
        direct = {
            p: self._direct(f, ("ident_def", "dotted", "frame", "path_named", "literal"))
            for p, f in self.fe.items()
        }
        rows = {}
        for path in self.index.files:
            feats = self.fe.get(path, {})
            near = 0.0
            for nb in self._file_neighbours(path):
                near = max(near, direct.get(nb, 0.0))
            row = {
                **feats,
                "near": min(near, 3.0),
                "degree": self._degree(path),
                "is_test": float(bool(TEST_PATH.search(path))),
                "is_aux": float(bool(AUX_PATH.search(path))),
                "is_init": float(path.endswith("__init__.py")),
            }
            rows[path] = [row.get(k, 0.0) for k in FILE_FEATURES]
        return rows

    def _file_neighbours(self, path: str) -> list[str]:
        out = [v for _, v, k in self.graph.out_edges(path, keys=True) if k == EdgeKind.IMPORTS]
        return out + [u for u, _, k in self.graph.in_edges(path, keys=True) if k == EdgeKind.IMPORTS]

    def _degree(self, node: str) -> float:
        count = sum(1 for _, _, k in self.graph.in_edges(node, keys=True) if k in LINK_EDGES)
        return math.log1p(count) / 5.0

    def def_rows(self, nodes: list[str], file_score: dict[str, float]) -> dict[str, list[float]]:
        """A feature row per definition in `nodes` (DEF_FEATURES order); `file_score` is the file ranker's."""
        direct = {
            n: self._direct(f, ("name_exact", "dotted", "frame", "literal")) for n, f in self.de.items()
        }
        rows = {}
        for node in nodes:
            attrs, feats = self.graph.nodes[node], self.de.get(node, {})
            near = 0.0
            for _, nb, k in self.graph.out_edges(node, keys=True):
                if k in LINK_EDGES:
                    near = max(near, direct.get(nb, 0.0))
            for nb, _, k in self.graph.in_edges(node, keys=True):
                if k in LINK_EDGES:
                    near = max(near, direct.get(nb, 0.0))
            lines = max(1, attrs["end_line"] - attrs["start_line"] + 1)
            row = {
                **feats,
                "near": min(near, 3.0),
                "degree": self._degree(node),
                "is_class": float(attrs["kind"] == NodeKind.CLASS),
                "is_test": float(bool(TEST_PATH.search(attrs["path"]))),
                "log_lines": math.log1p(lines) / 6.0,
                "file_score": file_score.get(attrs["path"], 0.0),
            }
            rows[node] = [row.get(k, 0.0) for k in DEF_FEATURES]
        return rows
