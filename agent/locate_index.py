"""The text side of localisation: fielded token bags for every source file and definition, built once per tree.

Fields, each its own BM25 index so a match in a path or a name is not drowned by a long body:
- files: `path` (path pieces), `names` (names of the definitions it holds), `docs` (module and definition
  docstrings, signatures), `code` (the whole text);
- definitions: `names` (qualified name), `docs` (signature and docstring), `code` (the body's lines).
Tokenising is the cost of localisation, so identifiers are split once per process (a memo) and a file's tokens
are memoised by its content hash: a second locate over the same tree, or over the next commit of it, re-reads only
the files whose content changed. Nothing is written to disk.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repowright.analyzers.bm25 import BM25, token_bag, tokenize
from repowright.analyzers.graph import (
    CODE_KINDS,
    KnowledgeGraph,
    NodeKind,
)

MAX_FILE_CHARS = 400_000
MAX_BODY_LINES = 400
_FILE_MEMO: dict[str, tuple[str, list[int], Counter[str]]] = {}
_BAG_MEMO: dict[str, tuple[str, dict[str, Any]]] = {}
_MEMO_LIMIT = 60_000
fast_tokenize = tokenize  # the memoised tokenizer of analyzers.bm25, named for what callers rely on


def _file_text(root: Path | None, path: str, digest: str) -> tuple[str, list[int], Counter[str]]:
    """A file's text, the character offset of each line start, and its token bag, memoised by content hash."""
    key = f"{digest}:{path}" if digest else ""
    if key and key in _FILE_MEMO:
        return _FILE_MEMO[key]
    try:
        text = (root / path).read_text(errors="replace")[:MAX_FILE_CHARS] if root else ""
    except OSError:
        text = ""
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


def _file_bags(graph: Any, root: Path | None, path: str, nodes: list[str]) -> tuple[str, dict[str, Any]]:
    """A file's text and the token bags of its fields and definitions, memoised by content hash (definitions,
    their names and docstrings all follow from the content)."""
    digest = graph.nodes[path].get("hash", "")
    key = f"bags:{digest}:{path}" if digest else ""
    if key and key in _BAG_MEMO:
        return _BAG_MEMO[key]
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


def build_text_index(kg: KnowledgeGraph, root: Path | None = None) -> TextIndex:
    """Token bags for every parsed source file and definition in `kg` (see the module docstring)."""
    graph, root = kg.graph, Path(root) if root else kg.root
    index = TextIndex()
    defs_of: dict[str, list[str]] = defaultdict(list)
    for node, attrs in graph.nodes(data=True):
        if attrs.get("kind") in CODE_KINDS:
            defs_of[attrs["path"]].append(node)
        elif attrs.get("kind") == NodeKind.FILE and attrs.get("language"):
            index.files.append(node)
    index.files.sort()
    fields: dict[str, list[Counter[str]]] = {"path": [], "names": [], "docs": [], "code": []}
    dfields: dict[str, list[Counter[str]]] = {"names": [], "docs": [], "code": []}
    for path in index.files:
        text, bags = _file_bags(graph, root, path, sorted(defs_of.get(path, ())))
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
    index.defs_of = dict(defs_of)
    return index
