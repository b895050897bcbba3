"""Loading a cached graph writes networkx's adjacency dicts directly: the result must be the graph the public API
builds, dict orders included (rankings iterate neighbours), for repeated edges, self-loops and repeated nodes."""

from __future__ import annotations

import networkx as nx

from repowright.analyzers.graph import add_edges, add_nodes

NODES = [
    ["a.py", {"kind": "file", "path": "a.py"}],
    ["a.py::f", {"kind": "function", "path": "a.py", "start_line": 3}],
    ["b.py", {"kind": "file", "path": "b.py"}],
    ["a.py::f", {"doc": "updated"}],
]
EDGES = [
    ("a.py", "a.py::f", "contains", 0),
    ("a.py::f", "b.py::g", "calls", 7),
    ("a.py::f", "b.py::g", "calls", 9),  # the same edge again: its line is updated
    ("a.py::f", "b.py::g", "references", 0),
    ("a.py::f", "a.py::f", "calls", 4),  # recursion: a self-loop
    ("c.py::h", "a.py::f", "calls", 0),  # a node first seen on an edge
    ("a.py::f", "b.py::g", "calls", 0),  # again without a line: the line stays
]


def snapshot(graph: nx.MultiDiGraph) -> tuple:
    return (
        list(graph.nodes(data=True)),
        list(graph.edges(keys=True, data=True)),
        [(n, list(p.items())) for n, p in graph.pred.items()],
        [(n, list(s.items())) for n, s in graph.succ.items()],
    )


def test_direct_loading_builds_the_graph_the_public_api_builds():
    public = nx.MultiDiGraph()
    public.add_nodes_from((n[0], n[1]) for n in NODES)
    public.add_edges_from(
        (s, d, k, {"kind": k, "line": line} if line else {"kind": k}) for s, d, k, line in EDGES
    )
    direct = nx.MultiDiGraph()
    add_nodes(direct, NODES)
    add_edges(direct, EDGES)
    assert snapshot(direct) == snapshot(public)
    assert direct.edges["a.py::f", "b.py::g", "calls"] == {"kind": "calls", "line": 9}
    assert direct.nodes["a.py::f"]["doc"] == "updated" and NODES[1][1].get("doc") is None
    assert list(direct.predecessors("a.py::f")) == ["a.py", "a.py::f", "c.py::h"]
