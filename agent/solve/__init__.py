"""Resolve an issue in a repository: knowledge graph, MCTS exploration, a tool-using agent, validated patches."""

from .budget import Budget
from .run import SolveResult, solve_issue

__all__ = ["Budget", "SolveResult", "solve_issue"]
