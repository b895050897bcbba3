"""The KnowledgeGraph object: a networkx MultiDiGraph plus statistics, lookups, search and export.

Node ids: `path::Qualified.name` for definitions, the repo-relative posix path for files, `dir/` for folders
and `.` for the repository. Edge keys are the edge kind, so two nodes share at most one edge of each kind.
Unresolved calls are not nodes: the calling node lists them in its `unresolved_calls` attribute.
"""

from __future__ import annotations

import gc
import json
import posixpath
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .bm25 import BM25, tokenize
from .cache import GraphCache, write_atomic
from .kinds import CALLABLE_KINDS, CODE_KINDS, DEF_KINDS, LINK_EDGES, EdgeKind, NodeKind

if TYPE_CHECKING:  # networkx is imported when a graph is built: `map` needs only the statistics
    import networkx as nx

__all__ = [
    "CALLABLE_KINDS",
    "CODE_KINDS",
    "DEF_KINDS",
    "LINK_EDGES",
    "EdgeKind",
    "KnowledgeGraph",
    "NodeKind",
]


@contextmanager
def without_gc() -> Iterator[None]:
    """Pause Python's cycle collector while building: the graph's hundreds of thousands of lists and dicts
    (none of them cyclic garbage) made it traverse the heap thousands of times, a fifth of a cold map's CPU."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def file_record(
    path: str,
    rec: list[Any],
    facts: dict[str, Any] | None,
    resolved: tuple[list[tuple[str, str, str, int]], dict[str, list[str]]],
) -> dict[str, Any]:
    """One file's nodes and outgoing edges (what the cache stores per file), with their counts."""
    size, _mtime, digest, lang, _iface, lines = rec[:6]
    edges, unresolved = resolved
    attrs = {
        "kind": NodeKind.FILE,
        "name": posixpath.basename(path),
        "qualname": path,
        "path": path,
        "language": lang or "",
        "start_line": 1,
        "end_line": lines,
        "signature": "",
        "doc": (facts or {}).get("doc", ""),
        "hash": digest,
    }
    if facts and facts.get("errors"):
        attrs["syntax_errors"] = True
    nodes: list[list[Any]] = [[path, attrs]]
    contains: list[tuple[str, str, str, int]] = []
    quals = {d[1] for d in (facts or {}).get("defs", ())}
    for kind, qual, name, start, end, sig, doc, node_hash, parent in (facts or {}).get("defs", ()):
        node_id = f"{path}::{qual}"
        nodes.append(
            [
                node_id,
                {
                    "kind": kind,
                    "name": name,
                    "qualname": qual,
                    "path": path,
                    "language": lang,
                    "start_line": start,
                    "end_line": end,
                    "signature": sig,
                    "doc": doc,
                    "hash": node_hash,
                },
            ]
        )
        # A Rust impl or Go receiver may name a type defined in another file: the file contains the method.
        contains.append((f"{path}::{parent}" if parent in quals else path, node_id, EdgeKind.CONTAINS, 0))
    for node in nodes:
        if node[0] in unresolved:
            node[1]["unresolved_calls"] = unresolved[node[0]]
    all_edges = contains + list(edges)
    counts = {
        "nodes": dict(Counter(n[1]["kind"] for n in nodes)),
        "edges": dict(Counter(e[2] for e in all_edges)),
    }
    return {"path": path, "hash": digest, "nodes": nodes, "edges": all_edges, "counts": counts}


def _folders(paths: list[str]) -> list[str]:
    folders: set[str] = set()
    for path in paths:
        parent = posixpath.dirname(path)
        while parent and parent not in folders:
            folders.add(parent)
            parent = posixpath.dirname(parent)
    return sorted(folders)


def summarize(root: Path, files: dict[str, list[Any]], skipped: Counter, hits: int) -> dict[str, Any]:
    """Statistics for `map`: files, nodes and edges by kind, skipped by reason, cache hits, languages."""
    nodes: dict[str, int] = {NodeKind.REPOSITORY: 1}
    edges: dict[str, int] = {}
    languages: dict[str, int] = {}
    for rec in files.values():  # plain dicts: Counter.update was a tenth of a warm map
        counts = rec[6]
        for kind, n in counts["nodes"].items():
            nodes[kind] = nodes.get(kind, 0) + n
        for kind, n in counts["edges"].items():
            edges[kind] = edges.get(kind, 0) + n
        language = rec[3] or "other"
        languages[language] = languages.get(language, 0) + 1
    folders = _folders(list(files))
    nodes[NodeKind.DIRECTORY] = len(folders)
    edges[EdgeKind.CONTAINS] = edges.get(EdgeKind.CONTAINS, 0) + len(folders) + len(files)
    return {
        "files": len(files),
        "nodes": dict(sorted(nodes.items())),
        "edges": dict(sorted(edges.items())),
        "skipped": dict(sorted(skipped.items())),
        "cache_hits": hits,
        "languages": dict(sorted(languages.items())),
    }


def add_nodes(graph: nx.MultiDiGraph, nodes: list[list[Any]]) -> None:
    """`graph.add_nodes_from(nodes)` for [id, attrs] pairs, writing networkx's adjacency dicts directly: the same
    graph (dict orders included) without the per-node checks that were a third of loading a cached graph."""
    succ, pred, attrs_of = graph._succ, graph._pred, graph._node
    for node, attrs in nodes:
        if node in attrs_of:
            attrs_of[node].update(attrs)
        else:
            succ[node], pred[node], attrs_of[node] = {}, {}, dict(attrs)
    graph.__networkx_cache__.clear()


def add_edges(graph: nx.MultiDiGraph, edges: list[Any]) -> None:
    """`graph.add_edges_from((s, d, kind, {"kind": kind, "line": line}))` for (source, target, kind, line)
    records (no "line" when it is 0), writing the adjacency dicts as networkx's `add_edge` does: a repeated edge
    updates the first one's attributes."""
    succ, pred, attrs_of = graph._succ, graph._pred, graph._node
    for source, target, kind, line in edges:
        if source not in succ:
            succ[source], pred[source], attrs_of[source] = {}, {}, {}
        if target not in succ:
            succ[target], pred[target], attrs_of[target] = {}, {}, {}
        keys = succ[source].get(target)
        if keys is None:
            keys = succ[source][target] = pred[target][source] = {}
        data = keys.get(kind)
        if data is None:
            data = keys[kind] = {}
        data["kind"] = kind
        if line:
            data["line"] = line
    graph.__networkx_cache__.clear()


class KnowledgeGraph:
    """The graph (`.graph`, built on first access when loaded from the cache) and its lookups."""

    def __init__(
        self, graph: nx.MultiDiGraph | None, stats: dict[str, Any], root: Path | None = None
    ) -> None:
        self._graph = graph
        self.stats = stats
        self.root = root
        self._source: tuple[GraphCache, list[str]] | None = None
        self._names: dict[str, list[str]] | None = None
        self._bm25: tuple[BM25, list[str]] | None = None

    @classmethod
    def lazy(cls, root: Path, cache: GraphCache, paths: list[str], stats: dict[str, Any]) -> KnowledgeGraph:
        kg = cls(None, stats, root)
        kg._source = (cache, paths)
        return kg

    @property
    def graph(self) -> nx.MultiDiGraph:
        if self._graph is None:
            assert self._source is not None
            with without_gc():
                self._graph = self._materialize(*self._source)
        return self._graph

    def _materialize(self, cache: GraphCache, paths: list[str]) -> nx.MultiDiGraph:
        import networkx as nx

        graph = nx.MultiDiGraph(root=str(self.root or ""))
        name = self.root.name if self.root else "."
        graph.add_node(
            ".",
            kind=NodeKind.REPOSITORY,
            name=name,
            qualname=".",
            path="",
            language="",
            start_line=0,
            end_line=0,
            signature="",
            doc="",
            hash="",
        )
        for folder in _folders(paths):
            parent = posixpath.dirname(folder)
            graph.add_node(
                folder + "/",
                kind=NodeKind.DIRECTORY,
                name=posixpath.basename(folder),
                qualname=folder,
                path=folder,
                language="",
                start_line=0,
                end_line=0,
                signature="",
                doc="",
                hash="",
            )
            graph.add_edge(
                parent + "/" if parent else ".", folder + "/", key=EdgeKind.CONTAINS, kind=EdgeKind.CONTAINS
            )
        edges: list[Any] = []
        shards: dict[int, dict[str, Any]] = {}
        for path in paths:
            shard = cache.shard_of(path)
            if shard not in shards:
                shards[shard] = cache.read_shard(shard)
            record = shards[shard].get(path)
            if record is None:
                raise RuntimeError(f"knowledge graph cache is missing {path}; delete the cache and map again")
            add_nodes(graph, record["nodes"])
            parent = posixpath.dirname(path)
            graph.add_edge(
                parent + "/" if parent else ".", path, key=EdgeKind.CONTAINS, kind=EdgeKind.CONTAINS
            )
            edges.extend(record["edges"])
        add_edges(graph, edges)
        return graph

    # export -------------------------------------------------------------------------------------------------
    def to_json(self, path: Path) -> None:
        """Write node-link JSON (networkx `node_link_data`, edges under "edges"), atomically."""
        import networkx as nx

        data = nx.node_link_data(self.graph, edges="edges")
        data["graph"] = {"root": str(self.root or ""), "stats": self.stats}
        write_atomic(Path(path), json.dumps(data).encode())

    def to_graphml(self, path: Path) -> None:
        """Write GraphML; list attributes become JSON strings (GraphML has no list type)."""
        import networkx as nx

        copy = nx.MultiDiGraph()
        for node, attrs in self.graph.nodes(data=True):
            copy.add_node(node, **{k: json.dumps(v) if isinstance(v, list) else v for k, v in attrs.items()})
        copy.add_edges_from(self.graph.edges(keys=True, data=True))
        tmp = Path(path).with_name(Path(path).name + ".tmp")
        nx.write_graphml(copy, tmp)
        tmp.replace(path)

    @classmethod
    def from_json(cls, path: Path) -> KnowledgeGraph:
        data = json.loads(Path(path).read_text())
        import networkx as nx

        graph = nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
        meta = data.get("graph", {})
        return cls(graph, meta.get("stats", {}), Path(meta["root"]) if meta.get("root") else None)

    # lookups ------------------------------------------------------------------------------------------------
    def node(self, node_id: str) -> dict[str, Any]:
        return dict(self.graph.nodes[node_id])

    def find(self, name: str) -> list[str]:
        """Node ids whose simple name, qualified name, path or id equals `name` (sorted)."""
        if self._names is None:
            index: dict[str, set[str]] = defaultdict(set)
            for node, attrs in self.graph.nodes(data=True):
                for key in (
                    node,
                    attrs.get("name"),
                    attrs.get("qualname"),
                    attrs.get("path") if attrs.get("kind") == NodeKind.FILE else None,
                ):
                    if key:
                        index[key].add(node)
            self._names = {k: sorted(v) for k, v in index.items()}
        return list(self._names.get(name, ()))

    def _edges(self, node_id: str, kinds: tuple[str, ...], incoming: bool) -> list[str]:
        if node_id not in self.graph:
            return []
        view = (
            self.graph.in_edges(node_id, keys=True) if incoming else self.graph.out_edges(node_id, keys=True)
        )
        return sorted({(u if incoming else v) for u, v, k in view if k in kinds})

    def callers(self, node_id: str) -> list[str]:
        return self._edges(node_id, (EdgeKind.CALLS,), incoming=True)

    def callees(self, node_id: str) -> list[str]:
        return self._edges(node_id, (EdgeKind.CALLS,), incoming=False)

    def references(self, name: str) -> list[str]:
        """Nodes that call or reference a definition named `name` (simple or qualified), or call it unresolved."""
        targets = [n for n in self.find(name) if "::" in n]
        found = {
            u
            for t in targets
            for u in self._edges(t, (EdgeKind.CALLS, EdgeKind.REFERENCES, EdgeKind.INHERITS), incoming=True)
        }
        simple = name.rpartition(".")[2]
        for node, attrs in self.graph.nodes(data=True):
            if any(c.rpartition(".")[2] == simple for c in attrs.get("unresolved_calls", ())):
                found.add(node)
        return sorted(found)

    def search_text(self, query: str, k: int = 10) -> list[tuple[str, float]]:
        """BM25 over names, qualified names, paths, signatures and first doc lines of files and definitions."""
        if self._bm25 is None:
            ids, docs = [], []
            for node, attrs in self.graph.nodes(data=True):
                if attrs.get("kind") in (NodeKind.FILE, *DEF_KINDS):
                    ids.append(node)
                    docs.append(
                        tokenize(
                            " ".join(str(attrs.get(f, "")) for f in ("qualname", "path", "signature", "doc"))
                        )
                    )
            self._bm25 = (BM25(docs), ids)
        bm25, ids = self._bm25
        return [(ids[i], score) for i, score in bm25.top(tokenize(query), k)]
