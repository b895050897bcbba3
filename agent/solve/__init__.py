"""Resolve an issue in a repository: knowledge graph, MCTS exploration, a tool-using agent, validated patches.

Start reading at graph.py: it draws the pipeline and holds both of its graphs.
"""

from .budget import Budget
from .outputs import SolveResult
from .run import solve_issue

__all__ = ["Budget", "SolveResult", "solve_issue"]
