"""Monte Carlo tree search over the knowledge graph to localise an issue (after RepoUnderstander).

A search node is a graph node plus the path that reached it. Selection is UCT with the scorer's value as a
prior (PUCT); expansion follows contains, calls, callers, imports, inherits and references edges, with the
incoming calls/references of a high-value node added first (reference expansion); a rollout is a short random
walk, biased by prior, whose best value is discounted; values are backed up along the path. The seed fixes
every random choice, so the same graph, issue and budget give the same output.
"""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass, field
from typing import Any

from repowright.analyzers.graph import (
    CALLABLE_KINDS,
    CODE_KINDS,
    LINK_EDGES,
    EdgeKind,
    KnowledgeGraph,
    NodeKind,
)

from .relevance import ChatModel, LexicalScorer, ModelScorer, Scorer

EXPAND_EDGES = (EdgeKind.CONTAINS, *LINK_EDGES)
HIGH_VALUE = 0.6
MAX_CHILDREN = 12
ROLLOUT_DEPTH = 3
DISCOUNT = 0.8
C_PUCT = 1.0
Q_WEIGHT = 0.2


@dataclass
class FileHit:
    path: str
    score: float
    reason: str


@dataclass
class FunctionHit:
    path: str
    name: str
    start_line: int
    end_line: int
    score: float
    reason: str


@dataclass
class Localization:
    files: list[FileHit] = field(default_factory=list)
    functions: list[FunctionHit] = field(default_factory=list)
    trace: list[dict[str, Any]] = field(default_factory=list)
    model_calls: int = 0

    def to_dict(self, *, trace: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "files": [asdict(f) for f in self.files],
            "functions": [asdict(f) for f in self.functions],
        }
        if trace:
            data["trace"] = self.trace
            data["model_calls"] = self.model_calls
        return data


@dataclass
class _Node:
    graph_id: str
    parent: _Node | None
    prior: float
    visits: int = 0
    total: float = 0.0
    children: list[_Node] | None = None


class _Search:
    def __init__(self, kg: KnowledgeGraph, scorer: Scorer, rng: random.Random) -> None:
        self.kg, self.graph, self.scorer, self.rng = kg, kg.graph, scorer, rng
        self.visits: dict[str, int] = {}
        self.totals: dict[str, float] = {}
        self.best: dict[str, float] = {}
        self._subtree: dict[str, float] = {}

    def prior(self, node: str) -> float:
        """A node's own value, or for folders the best value in their subtree (cheap lexical estimate)."""
        if node not in self._subtree:
            kind = self.graph.nodes[node].get("kind")
            if kind in (NodeKind.REPOSITORY, NodeKind.DIRECTORY):
                self._subtree[node] = 0.0  # guards cycles; folders form a tree
                self._subtree[node] = max(
                    (self.prior(c) for c in self._out(node, (EdgeKind.CONTAINS,))), default=0.0
                )
            else:
                self._subtree[node] = (
                    self.scorer.value(node)
                    if not isinstance(self.scorer, ModelScorer)
                    else self.scorer.fallback.value(node)
                )
        return self._subtree[node]

    def _out(self, node: str, kinds: tuple[str, ...]) -> list[str]:
        return [v for _, v, k in self.graph.out_edges(node, keys=True) if k in kinds]

    def neighbours(self, node: str) -> list[str]:
        out = self._out(node, EXPAND_EDGES)
        incoming = [
            u
            for u, _, k in self.graph.in_edges(node, keys=True)
            if k in (EdgeKind.CALLS, EdgeKind.REFERENCES)
        ]
        # Reference expansion: around a promising node, its callers and users come first.
        if self.prior(node) >= HIGH_VALUE:
            out = incoming + out
        else:
            out = out + incoming
        seen: dict[str, None] = {}
        for n in out:
            if n != node:
                seen.setdefault(n, None)
        ranked = sorted(seen, key=lambda n: (-self.prior(n), n))
        return ranked[:MAX_CHILDREN]

    def expand(self, node: _Node) -> None:
        on_path = set()
        walk: _Node | None = node
        while walk is not None:
            on_path.add(walk.graph_id)
            walk = walk.parent
        node.children = [
            _Node(g, node, self.prior(g)) for g in self.neighbours(node.graph_id) if g not in on_path
        ]

    def select(self, node: _Node) -> _Node:
        assert node.children
        root_n = math.sqrt(node.visits + 1)

        def uct(child: _Node) -> tuple[float, str]:
            q = child.total / child.visits if child.visits else 0.0
            return (q + C_PUCT * (child.prior + 0.01) * root_n / (1 + child.visits), child.graph_id)

        return max(node.children, key=uct)

    def evaluate(self, graph_id: str) -> float:
        value = self.scorer.value(graph_id)
        self.best[graph_id] = value
        return value

    def rollout(self, graph_id: str) -> float:
        best, current = 0.0, graph_id
        for depth in range(1, ROLLOUT_DEPTH + 1):
            options = self.neighbours(current)
            if not options:
                break
            weights = [self.prior(o) + 0.05 for o in options]
            current = self.rng.choices(options, weights=weights)[0]
            best = max(best, (DISCOUNT**depth) * self.prior(current))
        return best

    def simulate(self, root: _Node) -> None:
        node = root
        while node.children is not None and node.children:
            node = self.select(node)
            if node.visits == 0:
                break
        if node.children is None and node.visits > 0:
            self.expand(node)
            if node.children:
                node = self.select(node)
        value = max(self.evaluate(node.graph_id), self.rollout(node.graph_id))
        up: _Node | None = node
        while up is not None:
            up.visits += 1
            up.total += value
            self.visits[up.graph_id] = self.visits.get(up.graph_id, 0) + 1
            self.totals[up.graph_id] = self.totals.get(up.graph_id, 0.0) + value
            up = up.parent


def explore(
    kg: KnowledgeGraph,
    issue_text: str,
    *,
    scorer: Scorer | None = None,
    simulations: int = 300,
    seed: int = 0,
    llm: ChatModel | None = None,
    max_model_calls: int = 20,
    top: int = 10,
    candidates: int = 50,
) -> Localization:
    """Search the graph for the code an issue is about; rank files and functions by value and visits."""
    lexical = scorer or LexicalScorer(kg, issue_text)
    active: Scorer = ModelScorer(llm, issue_text, lexical, kg, max_calls=max_model_calls) if llm else lexical
    search = _Search(kg, active, random.Random(seed))
    root = _Node(".", None, 1.0)
    search.expand(root)
    # Start also from the best direct candidates, so strong evidence deep in the tree is explored at once.
    code = [
        n
        for n, a in kg.graph.nodes(data=True)
        if a.get("kind") in CODE_KINDS or a.get("kind") == NodeKind.FILE
    ]
    seeds = sorted(code, key=lambda n: (-search.prior(n), n))[:candidates]
    assert root.children is not None
    known = {c.graph_id for c in root.children}
    root.children += [_Node(s, root, search.prior(s)) for s in seeds[:MAX_CHILDREN] if s not in known]
    for _ in range(simulations):
        search.simulate(root)
    for node in seeds:
        search.best.setdefault(node, active.value(node))
    return _rank(kg, search, active, top, getattr(active, "calls", 0))


def _rank(kg: KnowledgeGraph, search: _Search, scorer: Scorer, top: int, model_calls: int) -> Localization:
    graph = kg.graph
    most = max(search.visits.values(), default=1)

    def final(node: str) -> float:
        # Value decides; the mean backed-up value (what search found around the node) and visits refine it.
        visits = search.visits.get(node, 0)
        mean = search.totals.get(node, 0.0) / visits if visits else 0.0
        return search.best[node] + Q_WEIGHT * mean + 0.02 * visits / most

    functions = sorted(
        (n for n in search.best if graph.nodes[n].get("kind") in CALLABLE_KINDS),
        key=lambda n: (-final(n), n),
    )
    file_scores: dict[str, float] = {}
    for node in search.best:
        attrs = graph.nodes[node]
        if attrs.get("kind") == NodeKind.FILE:
            file_scores[node] = max(file_scores.get(node, 0.0), final(node))
        elif attrs.get("kind") in CODE_KINDS:
            file_scores[attrs["path"]] = max(file_scores.get(attrs["path"], 0.0), 0.9 * final(node))
    for path in list(file_scores):
        if path in search.best:  # a file's own evidence and its best definition both count
            file_scores[path] = (
                0.5 * file_scores[path] + 0.5 * final(path)
                if file_scores[path] > final(path)
                else file_scores[path]
            )
    files = sorted(file_scores, key=lambda p: (-file_scores[p], p))[:top]
    out = Localization(model_calls=model_calls)
    out.files = [FileHit(p, round(file_scores[p], 4), scorer.reason(p)) for p in files]
    for node in functions[:top]:
        attrs = graph.nodes[node]
        out.functions.append(
            FunctionHit(
                attrs["path"],
                attrs["qualname"],
                attrs["start_line"],
                attrs["end_line"],
                round(final(node), 4),
                scorer.reason(node),
            )
        )
    out.trace = [
        {"node": n, "visits": v, "value": round(search.best.get(n, 0.0), 4)}
        for n, v in sorted(search.visits.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return out
