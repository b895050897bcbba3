"""The text side of localisation: fielded token bags for every source file and definition, built once per tree.

Fields, each its own BM25 index so a match in a path or a name is not drowned by a long body:
- files: `path` (path pieces), `names` (names of the definitions it holds), `docs` (module and definition
  docstrings, signatures), `code` (the whole text);
- definitions: `names` (qualified name), `docs` (signature and docstring), `code` (the body's lines).
Tokenising is the cost of localisation, so identifiers are split once per process (a memo) and a file's tokens
are memoised by its content hash: a second locate over the same tree, or over the next commit of it, re-reads only
the files whose content changed. Given the graph cache folder, the built index and the bags are also kept on disk
(agent/locate_index_cache.py), so a fresh process over an unchanged tree tokenises nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repowright.analyzers.bm25 import BM25, PackedBM25, token_bag, tokenize
from repowright.analyzers.graph import CODE_KINDS, KnowledgeGraph, NodeKind

from .locate_index_cache import (
    bags_from_data,
    bags_to_data,
    load_bags,
    load_index_state,
    save_bags,
    save_index_state,
    tree_key,
)

MAX_FILE_CHARS = 400_000
MAX_BODY_LINES = 400
_FILE_MEMO: dict[str, tuple[str, list[int], Counter[str]]] = {}
_BAG_MEMO: dict[str, tuple[str, dict[str, Any]]] = {}
_MEMO_LIMIT = 60_000
fast_tokenize = tokenize  # the memoised tokenizer of analyzers.bm25, named for what callers rely on


def _read_text(root: Path | None, path: str) -> str:
    """A file's text (its first MAX_FILE_CHARS characters), or '' when it cannot be read."""
    try:
        return (root / path).read_text(errors="replace")[:MAX_FILE_CHARS] if root else ""
    except OSError:
        return ""


def _file_text(root: Path | None, path: str, digest: str) -> tuple[str, list[int], Counter[str]]:
    """A file's text, the character offset of each line start, and its token bag, memoised by content hash."""
    key = f"{digest}:{path}" if digest else ""
    if key and key in _FILE_MEMO:
        return _FILE_MEMO[key]
    text = _read_text(root, path)
    offsets = [0]
    for line in text.splitlines(keepends=True):
        offsets.append(offsets[-1] + len(line))
    entry = (text, offsets, token_bag(text))
    if key:
        if len(_FILE_MEMO) > _MEMO_LIMIT:
            _FILE_MEMO.clear()
        _FILE_MEMO[key] = entry
    return entry


def _body_bag(text: str, offsets: list[int], start: int, end: int) -> Counter[str]:
    """Tokens of lines start..end (1-based, at most MAX_BODY_LINES of them)."""
    first = max(0, start - 1)
    last = min(end, first + MAX_BODY_LINES, len(offsets) - 1)
    return (
        token_bag(text[offsets[min(first, len(offsets) - 1)] : offsets[last]]) if last > first else Counter()
    )


def _file_bags(
    graph: Any, root: Path | None, path: str, nodes: list[str], stored: dict[str, dict[str, Any]]
) -> tuple[str, dict[str, Any]]:
    """A file's text and the token bags of its fields and definitions, memoised by content hash (definitions,
    their names and docstrings all follow from the content); `stored` holds bags read from disk by content."""
    digest = graph.nodes[path].get("hash", "")
    key = f"bags:{digest}:{path}" if digest else ""
    if key and key in _BAG_MEMO:
        return _BAG_MEMO[key]
    if digest and f"{digest}:{path}" in stored:
        try:
            entry = (_read_text(root, path), bags_from_data(stored[f"{digest}:{path}"]))
        except (KeyError, TypeError, ValueError):
            pass
        else:
            _BAG_MEMO[key] = entry
            return entry
    text, offsets, code = _file_text(root, path, digest)
    names: Counter[str] = Counter()
    docs: Counter[str] = token_bag(graph.nodes[path].get("doc", ""))
    defs = []
    for node in nodes:
        d = graph.nodes[node]
        qual, doc = token_bag(d["qualname"]), token_bag(f"{d['signature']} {d['doc']}")
        names.update(qual)
        docs.update(doc)
        defs.append((node, qual, doc, _body_bag(text, offsets, d["start_line"], d["end_line"])))
    entry = (
        text,
        {
            "path": token_bag(path.replace("/", " ").replace(".", " ")),
            "names": names,
            "docs": docs,
            "code": code,
            "defs": defs,
        },
    )
    if key:
        if len(_BAG_MEMO) > _MEMO_LIMIT:
            _BAG_MEMO.clear()
        _BAG_MEMO[key] = entry
    return entry


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
    kg: KnowledgeGraph, root: Path | None = None, cache_dir: Path | None = None
) -> TextIndex:
    """Token bags for every parsed source file and definition in `kg` (see the module docstring); with
    `cache_dir` (the graph cache folder) the index is read from and written to disk (agent/locate_index_cache.py)."""
    graph, root = kg.graph, Path(root) if root else kg.root
    index = TextIndex()
    defs_of: dict[str, list[str]] = defaultdict(list)
    for node, attrs in graph.nodes(data=True):
        if attrs.get("kind") in CODE_KINDS:
            defs_of[attrs["path"]].append(node)
        elif attrs.get("kind") == NodeKind.FILE and attrs.get("language"):
            index.files.append(node)
    index.files.sort()
    index.defs_of = dict(defs_of)
    key = ""
    if cache_dir is not None and root is not None:
        key = tree_key(index.files, [graph.nodes[p].get("hash", "") for p in index.files])
    if key and cache_dir is not None and root is not None:
        state = load_index_state(cache_dir, root, key)
        if state is not None and _restore(index, state, root):
            return index
        stored = load_bags(cache_dir, root)
        _fill(index, graph, root, defs_of, stored)
        fresh = {f"{graph.nodes[p]['hash']}:{p}" for p in index.files}
        if not fresh <= stored.keys():
            save_bags(cache_dir, root, _bags_data(graph, index.files, stored))
        save_index_state(cache_dir, root, key, _state(index))
        return index
    _fill(index, graph, root, defs_of, {})
    return index


def _fill(
    index: TextIndex,
    graph: Any,
    root: Path | None,
    defs_of: dict[str, list[str]],
    stored: dict[str, dict[str, Any]],
) -> None:
    """Build the fielded indexes from every file's bags (from `stored` where its content is there)."""
    fields: dict[str, list[Counter[str]]] = {"path": [], "names": [], "docs": [], "code": []}
    dfields: dict[str, list[Counter[str]]] = {"names": [], "docs": [], "code": []}
    for path in index.files:
        text, bags = _file_bags(graph, root, path, sorted(defs_of.get(path, ())), stored)
        index.text[path] = text
        for name in fields:
            fields[name].append(bags[name])
        for node, qual, doc, body in bags["defs"]:
            index.defs.append(node)
            dfields["names"].append(qual)
            dfields["docs"].append(doc)
            dfields["code"].append(body)
    index.file_fields = {name: BM25(docs) for name, docs in fields.items()}
    index.def_fields = {name: BM25(docs) for name, docs in dfields.items()}


def _state(index: TextIndex) -> dict[str, Any]:
    return {
        "files": index.files,
        "defs": index.defs,
        "file_fields": {k: v.state() for k, v in index.file_fields.items()},
        "def_fields": {k: v.state() for k, v in index.def_fields.items()},
    }


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
    index.text = {path: _read_text(root, path) for path in index.files}
    return True


def _bags_data(graph: Any, files: list[str], stored: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Plain bags of every file of this tree by content, for the next run's incremental rebuild."""
    out = {}
    for path in files:
        key = f"{graph.nodes[path]['hash']}:{path}"
        memo = _BAG_MEMO.get(f"bags:{key}")
        if key in stored:
            out[key] = stored[key]
        elif memo is not None:
            out[key] = bags_to_data(memo[1])
    return out
