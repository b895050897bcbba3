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

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from repowright.analyzers.bm25 import BM25, tokenize
from repowright.analyzers.graph import KnowledgeGraph

CODE_KINDS = ("function", "method", "class")
MAX_FILE_CHARS = 400_000
MAX_BODY_LINES = 400
_FILE_MEMO: dict[str, tuple[list[list[str]], str]] = {}
_MEMO_LIMIT = 60_000
fast_tokenize = tokenize  # the memoised tokenizer of analyzers.bm25, named for what callers rely on


def _file_lines(root: Path | None, path: str, digest: str) -> tuple[list[list[str]], str]:
    """Per-line tokens and the text of one file, memoised by content hash."""
    key = f"{digest}:{path}" if digest else ""
    if key and key in _FILE_MEMO:
        return _FILE_MEMO[key]
    try:
        text = (root / path).read_text(errors="replace")[:MAX_FILE_CHARS] if root else ""
    except OSError:
        text = ""
    lines = [fast_tokenize(line) for line in text.splitlines()]
    if key:
        if len(_FILE_MEMO) > _MEMO_LIMIT:
            _FILE_MEMO.clear()
        _FILE_MEMO[key] = (lines, text)
    return lines, text


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
        elif attrs.get("kind") == "file" and attrs.get("language"):
            index.files.append(node)
    index.files.sort()
    fields: dict[str, list[list[str]]] = {"path": [], "names": [], "docs": [], "code": []}
    dfields: dict[str, list[list[str]]] = {"names": [], "docs": [], "code": []}
    for path in index.files:
        attrs = graph.nodes[path]
        lines, index.text[path] = _file_lines(root, path, attrs.get("hash", ""))
        names: list[str] = []
        docs: list[str] = fast_tokenize(attrs.get("doc", ""))
        for node in sorted(defs_of.get(path, ())):
            d = graph.nodes[node]
            qual = fast_tokenize(d["qualname"])
            doc = fast_tokenize(f"{d['signature']} {d['doc']}")
            names += qual
            docs += doc
            start = max(0, d["start_line"] - 1)
            body = [t for line in lines[start:min(d["end_line"], start + MAX_BODY_LINES)] for t in line]
            index.defs.append(node)
            dfields["names"].append(qual)
            dfields["docs"].append(doc)
            dfields["code"].append(body)
        fields["path"].append(fast_tokenize(path.replace("/", " ").replace(".", " ")))
        fields["names"].append(names)
        fields["docs"].append(docs)
        fields["code"].append([t for line in lines for t in line])
    index.file_fields = {name: BM25(docs) for name, docs in fields.items()}
    index.def_fields = {name: BM25(docs) for name, docs in dfields.items()}
    index.defs_of = dict(defs_of)
    return index
