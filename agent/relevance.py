"""How relevant a graph node is to an issue: the value function of the explorer.

`LexicalScorer` needs no model. Its rules, each explicit:
- BM25 of the issue against each definition's text (qualified name, signature, docstring, body) and each file's
  text (path and content), scaled so the best match is 1;
- direct evidence in the issue outweighs word overlap: a stack-trace frame naming a file (and function) is the
  strongest signal, then a file path, then a dotted name or code identifier equal to a definition's name,
  weighted by how rare that name is in the repository;
- a small PageRank prior (calls, imports, inheritance) prefers central code when the rest ties;
- tests are demoted, since an issue is normally fixed in the code under test.
`ModelScorer` asks the model for a 1-10 relevance judgement within a call budget and falls back to the lexical
score when the budget is spent or the reply cannot be read.
"""

from __future__ import annotations

import math
import posixpath
import re
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from repowright.analyzers.bm25 import BM25, tokenize
from repowright.analyzers.graph import (
    CODE_KINDS,
    LINK_EDGES,
    KnowledgeGraph,
    NodeKind,
)

from .issue_signals import IssueSignals, read_signals
from .path_roles import AUX_PATH, TEST_PATH
from .prompts import render

if TYPE_CHECKING:
    from .llm import ChatResult

MAX_BODY_CHARS = 20000


class ChatModel(Protocol):
    """What the model scorer needs of a model client: one chat call (the LLM, or a wrapper that records it)."""

    def chat(self, messages: list[dict[str, Any]], *, max_tokens: int | None = None) -> ChatResult: ...


class Scorer(Protocol):
    def value(self, node_id: str) -> float: ...

    def reason(self, node_id: str) -> str: ...


def squash(x: float) -> float:
    """Map a non-negative evidence sum to [0, 1) without flattening strong evidence (x / (1 + x))."""
    x = max(0.0, x)
    return x / (1.0 + x)


class LexicalScorer:
    """Model-free relevance of files and definitions to one issue (see the module docstring for the rules)."""

    def __init__(self, kg: KnowledgeGraph, issue: str, *, root: Path | None = None) -> None:
        self.kg = kg
        self.graph = kg.graph
        self.root = Path(root) if root else kg.root
        self.signals: IssueSignals = read_signals(issue)
        self.evidence: dict[str, float] = defaultdict(float)
        self.reasons: dict[str, list[str]] = defaultdict(list)
        self._values: dict[str, float] = {}
        self._bm25(issue)
        self._direct_evidence()
        self._prior()

    # text -------------------------------------------------------------------------------------------------
    def _lines(self, path: str) -> list[str]:
        if self.root is None:
            return []
        try:
            return (self.root / path).read_text(errors="replace").splitlines()
        except OSError:
            return []

    def _bm25(self, issue: str) -> None:
        query = tokenize(issue)
        file_ids, file_docs, def_ids, def_docs = [], [], [], []
        by_file: dict[str, list[str]] = defaultdict(list)
        for node, attrs in self.graph.nodes(data=True):
            if attrs.get("kind") in CODE_KINDS:
                by_file[attrs["path"]].append(node)
            elif attrs.get("kind") == NodeKind.FILE and attrs.get("language"):
                file_ids.append(node)
        for path in file_ids:
            lines = self._lines(path)
            file_docs.append(tokenize(path.replace("/", " ") + " " + "\n".join(lines)[:400000]))
            for node in by_file.get(path, ()):
                attrs = self.graph.nodes[node]
                body = "\n".join(lines[attrs["start_line"] - 1 : attrs["end_line"]])[:MAX_BODY_CHARS]
                def_ids.append(node)
                def_docs.append(tokenize(f"{attrs['qualname']} {attrs['signature']} {attrs['doc']} {body}"))
        self.file_text = self._scaled(BM25(file_docs).scores(query) if file_docs else {}, file_ids)
        self.def_text = self._scaled(BM25(def_docs).scores(query) if def_docs else {}, def_ids)

    @staticmethod
    def _scaled(scores: dict[int, float], ids: list[str]) -> dict[str, float]:
        top = max(scores.values(), default=0.0) or 1.0
        return {ids[i]: s / top for i, s in scores.items()}

    # direct evidence --------------------------------------------------------------------------------------
    def _add(self, node: str, amount: float, why: str) -> None:
        self.evidence[node] += amount
        if why not in self.reasons[node]:
            self.reasons[node].append(why)

    def _direct_evidence(self) -> None:
        names: dict[str, list[str]] = defaultdict(list)
        files: list[str] = []
        stems: dict[str, list[str]] = defaultdict(list)
        for node, attrs in self.graph.nodes(data=True):
            kind = attrs.get("kind")
            if kind in CODE_KINDS:
                names[attrs["name"]].append(node)
            elif kind == NodeKind.FILE:
                files.append(node)
                stems[posixpath.splitext(attrs["name"])[0]].append(node)
        frames = self.signals.frames
        for index, frame in enumerate(frames):  # strongest: the code that ran; the innermost frame most
            weight = 2.0 + (index + 1) / len(frames)
            for file in self._files_matching(frame.path, files):
                self._add(file, weight, f"in the stack trace ({posixpath.basename(frame.path)}:{frame.line})")
                for node in names.get(frame.function, ()):
                    if node.startswith(file + "::"):
                        self._add(node, weight, f"stack-trace frame {frame.function}")
        for mention in self.signals.paths:
            for file in self._files_matching(mention, files):
                self._add(file, 2.0, f"file {mention} named in the issue")
        for dotted in self.signals.dotted:
            parts = dotted.split(".")
            for node in names.get(parts[-1], ()):
                qual = self.graph.nodes[node]["qualname"]
                module = self.graph.nodes[node]["path"].rsplit(".", 1)[0].replace("/", ".")
                if qual.endswith(".".join(parts[-2:])) or module.endswith(".".join(parts[:-1])):
                    self._add(node, 1.5, f"{dotted} named in the issue")
            module_path = "/".join(parts)
            for file in files:
                if file.rsplit(".", 1)[0].endswith(module_path):
                    self._add(file, 1.5, f"module {dotted} named in the issue")
        for ident in self.signals.identifiers:
            weight = 1.0 if ident in self.signals.code_identifiers else 0.6
            defs = names.get(ident, ())
            if defs:
                share = weight / math.log2(2 + len(defs))  # a name defined in many places says less
                for node in defs:
                    self._add(node, share, f"defines {ident}")
            for file in stems.get(ident, ()) or stems.get(ident.lower(), ()):
                self._add(file, weight / math.log2(2 + len(stems.get(ident, ()))), f"file named {ident}")

    @staticmethod
    def _files_matching(mention: str, files: list[str]) -> list[str]:
        mention = mention.lstrip("/")
        parts = mention.split("/")
        for cut in range(len(parts)):  # the longest tail of the mentioned path that names repository files
            tail = "/".join(parts[cut:])
            found = [f for f in files if f == tail or f.endswith("/" + tail)]
            if found:
                return found if len(found) <= 3 else []
        return []

    def _prior(self) -> None:
        """PageRank over calls, imports, inheritance and references (power iteration; networkx's needs scipy)."""
        out: dict[str, list[str]] = defaultdict(list)
        for u, v, k in self.graph.edges(keys=True):
            if k in LINK_EDGES:
                out[u].append(v)
        nodes = sorted({n for n in out} | {v for vs in out.values() for v in vs})
        rank = dict.fromkeys(nodes, 1.0 / max(1, len(nodes)))
        for _ in range(30):
            nxt = dict.fromkeys(nodes, 0.15 / max(1, len(nodes)))
            dangling = sum(rank[n] for n in nodes if n not in out)
            for node, targets in out.items():
                share = 0.85 * rank[node] / len(targets)
                for target in targets:
                    nxt[target] += share
            spread = 0.85 * dangling / max(1, len(nodes))
            rank = {n: r + spread for n, r in nxt.items()}
        self.pagerank = rank
        self.pr_top = max(rank.values(), default=1.0) or 1.0

    # the value function -----------------------------------------------------------------------------------
    def value(self, node_id: str) -> float:
        if node_id not in self._values:
            self._values[node_id] = self._value(node_id)
        return self._values[node_id]

    def _value(self, node_id: str) -> float:
        attrs = self.graph.nodes.get(node_id, {})
        kind = attrs.get("kind")
        text = self.def_text.get(node_id, 0.0) if kind in CODE_KINDS else self.file_text.get(node_id, 0.0)
        raw = (
            1.2 * text + self.evidence.get(node_id, 0.0) + 0.1 * self.pagerank.get(node_id, 0.0) / self.pr_top
        )
        if kind not in (NodeKind.FILE, *CODE_KINDS):
            raw = 0.0
        if TEST_PATH.search(attrs.get("path", "")):
            raw *= 0.3  # issues are fixed in the code, not in its tests
        elif AUX_PATH.search(attrs.get("path", "")):
            raw *= 0.5  # nor, usually, in documentation, examples or build scripts
        return squash(raw)

    def reason(self, node_id: str) -> str:
        why = list(self.reasons.get(node_id, ()))
        attrs = self.graph.nodes.get(node_id, {})
        text = self.def_text.get(node_id) if attrs.get("kind") in CODE_KINDS else self.file_text.get(node_id)
        if text and text > 0.3:
            why.append(f"shares words with the issue (BM25 {text:.2f})")
        return "; ".join(why[:3]) or "reached through the graph"


class ModelScorer:
    """The model's 1-10 judgement of a node's relevance, within `max_calls`, blended with a fallback scorer."""

    def __init__(
        self,
        llm: ChatModel,
        issue: str,
        fallback: Scorer,
        kg: KnowledgeGraph,
        *,
        max_calls: int = 20,
        root: Path | None = None,
    ) -> None:
        self.llm, self.issue, self.fallback, self.kg = llm, issue, fallback, kg
        self.max_calls = max_calls
        self.root = Path(root) if root else kg.root
        self.calls = 0
        self.judged: dict[str, int] = {}

    def _snippet(self, node_id: str) -> str:
        attrs = self.kg.graph.nodes[node_id]
        if self.root is None:
            return attrs.get("signature", "")
        try:
            lines = (self.root / attrs["path"]).read_text(errors="replace").splitlines()
        except OSError:
            return attrs.get("signature", "")
        start = max(0, attrs.get("start_line", 1) - 1)
        end = attrs.get("end_line", start + 60) if attrs.get("kind") != NodeKind.FILE else start + 60
        return "\n".join(lines[start : min(end, start + 80)])

    def value(self, node_id: str) -> float:
        base = self.fallback.value(node_id)
        kind = self.kg.graph.nodes.get(node_id, {}).get("kind")
        if (
            node_id not in self.judged
            and self.calls < self.max_calls
            and kind in (NodeKind.FILE, *CODE_KINDS)
        ):
            self.calls += 1
            attrs = self.kg.graph.nodes[node_id]
            prompt = render(
                "locate_relevance",
                issue=self.issue,
                node_id=node_id,
                kind=kind,
                signature=attrs.get("signature", ""),
                code=self._snippet(node_id),
            )
            reply = self.llm.chat([{"role": "user", "content": prompt}], max_tokens=8)
            match = re.search(r"\b(10|[1-9])\b", reply.content or "")
            if match:
                self.judged[node_id] = int(match.group(1))
        if node_id in self.judged:
            return 0.7 * (self.judged[node_id] - 1) / 9 + 0.3 * base
        return base

    def reason(self, node_id: str) -> str:
        text = self.fallback.reason(node_id)
        if node_id in self.judged:
            return f"model rates it {self.judged[node_id]}/10; {text}"
        return text
