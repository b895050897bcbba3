"""Localise an issue in a repository: learned ranking of files and definitions (agent/rank_locations.py), then,
when asked for, MCTS exploration of the graph around the best candidates (agent/mcts.py) with the model's
judgement if a model is given."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from repowright.analyzers.graph import KnowledgeGraph

from .config_sections import LocateConfig
from .mcts import FileHit, FunctionHit, Localization, explore
from .rank_locations import RankedScorer, Ranking, rank_locations

__all__ = ["FileHit", "FunctionHit", "Localization", "locate"]


def locate(
    kg: KnowledgeGraph,
    issue_text: str,
    config: LocateConfig | None = None,
    *,
    llm: Any = None,
    root: Path | None = None,
    cache_dir: Path | None = None,
) -> Localization:
    """Ranked files and functions for `issue_text`, best first; with `config.simulations` > 0 or a model (`llm`)
    the explorer re-ranks around the learned ranking (with a model, `config.model_simulations` unless told); with
    `cache_dir` (the graph cache folder) the text index is kept on disk, so the next process skips tokenising."""
    cfg = config or LocateConfig()
    ranking = rank_locations(kg, issue_text, root=root, cache_dir=cache_dir)
    if llm is None and cfg.simulations <= 0:
        return from_ranking(kg, ranking, cfg.top)
    return explore(
        kg,
        issue_text,
        scorer=RankedScorer(kg, ranking),
        simulations=cfg.simulations if cfg.simulations > 0 else cfg.model_simulations,
        seed=cfg.seed,
        llm=llm,
        max_model_calls=cfg.max_model_calls,
        top=cfg.top,
    )


def from_ranking(kg: KnowledgeGraph, ranking: Ranking, top: int) -> Localization:
    """The learned ranking as a Localization; scores are relative to the best (1.0)."""
    out = Localization()
    files = ranking.ordered_files()[:top]
    best = ranking.files[files[0]] if files else 0.0
    out.files = [
        FileHit(p, round(math.exp(ranking.files[p] - best), 4), ranking.reasons.get(p, "")) for p in files
    ]
    defs = ranking.ordered_defs()[:top]
    best = ranking.defs[defs[0]] if defs else 0.0
    for node in defs:
        attrs = kg.graph.nodes[node]
        out.functions.append(
            FunctionHit(
                attrs["path"],
                attrs["qualname"],
                attrs["start_line"],
                attrs["end_line"],
                round(math.exp(ranking.defs[node] - best), 4),
                ranking.reasons.get(node, ""),
            )
        )
    return out
