"""Resolve an issue in a repository: knowledge graph, MCTS exploration, a tool-using agent, validated patches.

Start reading at graph.py: it draws the pipeline and holds both of its graphs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .budget import Budget
    from .outputs import SolveResult
    from .run import solve_issue

__all__ = ["Budget", "SolveResult", "solve_issue"]
_HOMES = {"Budget": ".budget", "SolveResult": ".outputs", "solve_issue": ".run"}


def __getattr__(name: str) -> Any:
    """Load the pipeline (and langgraph) only when it is used, not when a sibling such as .trajectory is."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_HOMES[name], __name__), name)
