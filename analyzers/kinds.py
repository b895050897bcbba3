"""The knowledge graph's vocabulary, declared once: node kinds and edge kinds.

Plain strings (not an Enum) so they cache with marshal and export to JSON and GraphML as they are. A leaf
module, so the parsers can use it without importing the graph; `analyzers/graph.py` re-exports it.
"""

from __future__ import annotations

from typing import Final


class NodeKind:
    """A node's `kind` attribute."""

    REPOSITORY: Final = "repository"
    DIRECTORY: Final = "directory"
    FILE: Final = "file"
    CLASS: Final = "class"
    FUNCTION: Final = "function"
    METHOD: Final = "method"
    VARIABLE: Final = "variable"


class EdgeKind:
    """An edge's kind, which is also its key (two nodes share at most one edge of each kind)."""

    CONTAINS: Final = "contains"
    IMPORTS: Final = "imports"
    CALLS: Final = "calls"
    INHERITS: Final = "inherits"
    REFERENCES: Final = "references"


DEF_KINDS: Final = (NodeKind.CLASS, NodeKind.FUNCTION, NodeKind.METHOD, NodeKind.VARIABLE)
CODE_KINDS: Final = (
    NodeKind.FUNCTION,
    NodeKind.METHOD,
    NodeKind.CLASS,
)  # definitions with code: what is ranked
CALLABLE_KINDS: Final = (NodeKind.FUNCTION, NodeKind.METHOD)
LINK_EDGES: Final = (
    EdgeKind.CALLS,
    EdgeKind.IMPORTS,
    EdgeKind.INHERITS,
    EdgeKind.REFERENCES,
)  # all but the tree
