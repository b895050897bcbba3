"""The text side of localisation: fielded token bags for every source file and definition, built once per tree.

Test modules (agent/path_roles.py TEST_MODULE) are left out: localisation ranks the code a fix changes, and
tests reach the ranking through the graph instead (test-to-source links, callers).

Fields, each its own BM25 index so a match in a path or a name is not drowned by a long body:
- files: `path` (path pieces), `names` (names of the definitions it holds), `docs` (module and definition
  docstrings, signatures), `code` (the whole text);
- definitions: `names` (qualified name), `docs` (signature and docstring), `code` (the body's lines).
Tokenising is the cost of localisation, so identifiers are split once per process (a memo), a file's tokens
are memoised by its content hash (a second locate over the same tree, or over the next commit of it, re-reads only
the files whose content changed), and many files are counted in parallel (agent/locate_bags.py). The indexes are
built packed, as they are stored. Given the graph cache folder, the built index and the bags are also kept on disk
(agent/locate_index_cache.py), so a fresh process over an unchanged tree tokenises nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repowright.analyzers.bm25 import BM25, PackedBM25, PackedPostings, tokenize
from repowright.analyzers.graph import CODE_KINDS, KnowledgeGraph, NodeKind

from .locate_bags import Bags, all_bags, memoised_bags, read_text
from .locate_index_cache import load_bags, load_index_state, save_bags, save_index_state, tree_key
from .path_roles import TEST_MODULE

fast_tokenize = tokenize  # the memoised tokenizer of analyzers.bm25, named for what callers rely on
FILE_FIELDS = ("path", "names", "docs", "code")
DEF_FIELDS = ("names", "docs", "code")


@dataclass
class TextIndex:
    """Fielded BM25 indexes over a graph's source files and definitions, plus each file's raw text."""

    files: list[str] = field(default_factory=list)
    defs: list[str] = field(default_factory=list)
    text: dict[str, str] = field(default_factory=dict)
    file_fields: dict[str, BM25] = field(default_factory=dict)
    def_fields: dict[str, BM25] = field(default_factory=dict)
    defs_of: dict[str, list[str]] = field(default_factory=dict)

    def file_scores(self, name: str, query: list[str]) -> dict[str, float]:
        return {self.files[i]: s for i, s in self.file_fields[name].scores(query).items()}

    def def_scores(self, name: str, query: list[str]) -> dict[str, float]:
        return {self.defs[i]: s for i, s in self.def_fields[name].scores(query).items()}


def build_text_index(
    kg: KnowledgeGraph, root: Path | None = None, cache_dir: Path | None = None, workers: int | None = None
) -> TextIndex:
    """Token bags for every parsed source file and definition in `kg` (see the module docstring), counted in
    up to `workers` processes (default: all cores); with `cache_dir` (the graph cache folder) the index is read
    from and written to disk (agent/locate_index_cache.py)."""
    graph, root = kg.graph, Path(root) if root else kg.root
    index = TextIndex()
    defs_of: dict[str, list[str]] = defaultdict(list)
    for node, attrs in graph.nodes(data=True):
        if attrs.get("kind") in CODE_KINDS:
            defs_of[attrs["path"]].append(node)
        elif attrs.get("kind") == NodeKind.FILE and attrs.get("language") and not TEST_MODULE.search(node):
            index.files.append(node)
    index.files.sort()
    index.defs_of = {path: defs_of[path] for path in index.files if path in defs_of}  # test modules' left out
    key = ""
    if cache_dir is not None and root is not None:
        key = tree_key(index.files, [graph.nodes[p].get("hash", "") for p in index.files])
    if not key or cache_dir is None or root is None:
        _fill(index, all_bags(graph, root, index.files, index.defs_of, {}, workers))
        return index
    state = load_index_state(cache_dir, root, key)
    if state is not None and _restore(index, state, root):
        return index
    stored = load_bags(cache_dir, root)
    _fill(index, all_bags(graph, root, index.files, index.defs_of, stored, workers))
    fresh = {f"{graph.nodes[p]['hash']}:{p}" for p in index.files}
    if not fresh <= stored.keys():
        save_bags(cache_dir, root, _bags_data(graph, index.files, stored))
    save_index_state(cache_dir, root, key, _state(index))
    return index


def _fill(index: TextIndex, bags: Iterable[tuple[str, Bags]]) -> None:
    """Build the fielded indexes (packed, as stored) from every file's text and bags, in `index.files` order,
    as the bags arrive."""
    fields = {name: PackedPostings() for name in FILE_FIELDS}
    dfields = {name: PackedPostings() for name in DEF_FIELDS}
    for path, (text, bag) in zip(index.files, bags, strict=True):
        index.text[path] = text
        for name, postings in fields.items():
            postings.add(bag[name])
        for node, qual, doc, body in bag["defs"]:
            index.defs.append(node)
            dfields["names"].add(qual)
            dfields["docs"].add(doc)
            dfields["code"].add(body)
    index.file_fields = {name: PackedBM25(p.state()) for name, p in fields.items()}
    index.def_fields = {name: PackedBM25(p.state()) for name, p in dfields.items()}


def _state(index: TextIndex) -> dict[str, Any]:
    return {
        "files": index.files,
        "defs": index.defs,
        "file_fields": {k: _packed(v) for k, v in index.file_fields.items()},
        "def_fields": {k: _packed(v) for k, v in index.def_fields.items()},
    }


def _packed(bm25: BM25) -> dict[str, Any]:
    """A field's stored state: a packed index's own (as built), else the built index's."""
    if isinstance(bm25, PackedBM25):
        return {"k1": bm25.k1, "b": bm25.b, "lengths": bm25.lengths, "avg": bm25.avg, "postings": bm25.packed}
    return bm25.state()


def _restore(index: TextIndex, state: dict[str, Any], root: Path) -> bool:
    """Fill `index` from a stored state of the same tree; False when the state does not fit."""
    try:
        if state["files"] != index.files:
            return False
        index.defs = list(state["defs"])
        index.file_fields = {k: PackedBM25(v) for k, v in state["file_fields"].items()}
        index.def_fields = {k: PackedBM25(v) for k, v in state["def_fields"].items()}
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
    index.text = {path: read_text(root, path) for path in index.files}
    return True


def _bags_data(graph: Any, files: list[str], stored: dict[str, Bags]) -> dict[str, Bags]:
    """Plain bags of every file of this tree by content, for the next run's incremental rebuild."""
    out = {}
    for path in files:
        key = f"{graph.nodes[path]['hash']}:{path}"
        memo = memoised_bags(graph.nodes[path]["hash"], path)
        if key in stored:
            out[key] = stored[key]
        elif memo is not None:
            out[key] = memo
    return out
