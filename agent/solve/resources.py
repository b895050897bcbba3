"""What solve's steps use besides their state: the run's read-only context and each candidate's own resources.

`SolveContext` is built once per run and shared by every step of every candidate; nothing in it changes after
construction (the budget meter and the trajectory are thread-safe services, the knowledge graph is loaded once on
first use). `CandidateResources` belong to one candidate: its sandbox session, the workspace in it and the tools
over that workspace. They are never part of the checkpointed state: they are opened on first use from the state
(the reproduction test and the patch so far), so a resumed candidate gets a fresh sandbox holding its work.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from repowright.analyzers.graph import KnowledgeGraph
from repowright.sandbox import Session

from ..config import Settings
from ..env.prepare import RepoEnvironment
from ..llm import LLM
from ..mcts import Localization
from ..relevance import ChatModel
from .budget import Budget, BudgetMeter
from .tools import ToolBox
from .trajectory import Trajectory
from .workspace import SessionFactory, Workspace


class GraphSource:
    """The repository's knowledge graph, built (or read from the user cache) once, by the first step needing it."""

    def __init__(self, build: Callable[[], KnowledgeGraph]) -> None:
        self._build = build
        self._kg: KnowledgeGraph | None = None
        self._lock = threading.Lock()

    def get(self) -> KnowledgeGraph:
        with self._lock:
            if self._kg is None:
                self._kg = self._build()
            return self._kg


# (knowledge graph, issue, model calls left, model client) -> the explorer's localization (or None)
Locate = Callable[[KnowledgeGraph, str, int, ChatModel], Localization | None]


@dataclass(frozen=True)
class SolveContext:
    """The read-only context of a run: model, sandbox sessions, budget meter, trajectory and configuration."""

    repo: Path
    settings: Settings
    llm: LLM
    sessions: SessionFactory
    meter: BudgetMeter
    trajectory: Trajectory
    graph: GraphSource
    locate: Locate
    environment: RepoEnvironment
    samples: int = 1
    test_cmd: str | None = None
    include_secrets: bool = False  # copy secret files (.env, keys) into the sandbox: only when the user asks
    progress: Callable[[str], None] | None = None

    @property
    def budget(self) -> Budget:
        return self.meter.budget


class CandidateResources:
    """One candidate's sandbox session, workspace and tools, opened on first use and closed with `close()`."""

    def __init__(self, ctx: SolveContext) -> None:
        self.ctx = ctx
        self._session: Session | None = None
        self._workspace: Workspace | None = None

    def __enter__(self) -> CandidateResources:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def workspace(self, state: dict[str, Any]) -> Workspace:
        """The candidate's repository copy; on first use, a fresh session holding the reproduction test and
        the patch so far from `state`."""
        if self._workspace is None:
            ctx, repro = self.ctx, state.get("reproduction")
            self._session = ctx.sessions.open()
            workspace = Workspace(
                self._session,
                ctx.repo,
                timeout=ctx.sessions.timeout,
                exclude_from_diff=(repro["path"],) if repro else (),
                include_secrets=ctx.include_secrets,
            )
            if repro:
                workspace.write_text(repro["path"], repro["content"])
            workspace.restore(state.get("patch", ""))
            self._workspace = workspace
        return self._workspace

    def opened(self) -> bool:
        return self._workspace is not None

    def tools(self, state: dict[str, Any]) -> ToolBox:
        return ToolBox(
            self.workspace(state),
            self.ctx.graph.get(),
            test_cmd=self.ctx.test_cmd,
            timeout=self.ctx.sessions.timeout,
        )

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
