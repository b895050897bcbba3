"""Localise an issue in a repository: build or load its knowledge graph and explore it (see agent/mcts.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from repowright.analyzers.graph import KnowledgeGraph

from .mcts import FileHit, FunctionHit, Localization, explore
from .relevance import LexicalScorer

__all__ = ["FileHit", "FunctionHit", "Localization", "locate"]


def locate(kg: KnowledgeGraph, issue_text: str, *, top: int = 10, llm: Any = None, simulations: int = 300,
           seed: int = 0, max_model_calls: int = 20, root: Path | None = None) -> Localization:
    """Ranked files and functions for `issue_text`, best first; the model judges relevance when `llm` is given."""
    scorer = LexicalScorer(kg, issue_text, root=root)
    return explore(kg, issue_text, scorer=scorer, simulations=simulations, seed=seed, llm=llm,
                   max_model_calls=max_model_calls, top=top)
