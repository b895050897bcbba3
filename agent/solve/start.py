"""Opening a solve run: check the input, build the read-only `SolveContext` once, and log how the run began.

A run folder that holds checkpoints is a run to resume: its trajectory is continued, and what the interrupted
runs spent (model calls, tokens, seconds) counts against the same budget.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from repowright.analyzers.graph import KnowledgeGraph
from repowright.sandbox import Sandbox, make_sandbox

from ..config import Settings
from ..env.prepare import prepare_environment
from ..errors import UserError
from ..llm import llm_from_settings
from ..mcts import Localization
from ..relevance import ChatModel
from .budget import Budget, BudgetMeter
from .checkpoint import has_checkpoints, spent_before
from .graph import LATER_SAMPLES_TEMPERATURE
from .resources import GraphSource, Locate, SolveContext
from .trajectory import Trajectory, read_trajectory
from .workspace import SessionFactory

EXPLORE_SEED = 0  # the explorer's seed: the same graph and issue explore the same way
EXPLORE_MODEL_CALLS = 20  # relevance questions the explorer may ask, at most


def run_metadata(repo: Path, settings: Settings) -> dict[str, Any]:
    """What a replay needs to know: repowright's version, sampling, start time, and the repository's commit."""
    from importlib.metadata import PackageNotFoundError, version

    from repowright.analyzers.cache import read_git

    try:
        ours = version("repowright")
    except PackageNotFoundError:
        ours = "unknown"
    status = read_git(repo, "status", "--porcelain", "--untracked-files=no")
    return {
        "repowright_version": ours,
        "base_url": settings.llm.base_url,
        "temperature": settings.llm.temperature,
        "later_samples_temperature": max(LATER_SAMPLES_TEMPERATURE, settings.llm.temperature),
        "seed": EXPLORE_SEED,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": read_git(repo, "rev-parse", "HEAD"),
        "dirty": bool(status) if status is not None else None,
    }


def default_graph_steps(repo: Path) -> tuple[Callable[[], KnowledgeGraph], Locate]:
    """Build (or load from cache) the knowledge graph; explore it with MCTS using the model as value."""

    def build() -> KnowledgeGraph:
        from repowright.analyzers.knowledge_graph import build_knowledge_graph

        return build_knowledge_graph(repo)  # the user cache, shared by every checkout of the repository

    def explore(kg: KnowledgeGraph, issue: str, calls_left: int, llm: ChatModel) -> Localization:
        from ..config_sections import LocateConfig
        from ..locate import locate

        calls = min(EXPLORE_MODEL_CALLS, max(0, calls_left - 10))  # leave most calls for the later steps
        config = LocateConfig(top=10, max_model_calls=calls, seed=EXPLORE_SEED)
        return locate(kg, issue, config, llm=llm if calls else None, root=repo)

    return build, explore


def check_input(repo_path: Path, issue_text: str) -> Path:
    """The repository's resolved path; a one-line UserError for a missing folder or an empty issue."""
    repo = Path(repo_path).resolve()
    if not repo.is_dir():
        raise UserError(f"{repo_path} is not a directory; give the path of a repository checkout")
    if not issue_text.strip():
        raise UserError(
            "the issue text is empty; pass --issue TEXT, --issue-file FILE or --github owner/repo#N"
        )
    return repo


def open_run(
    repo: Path,
    issue: str,
    settings: Settings,
    out_dir: Path,
    *,
    budget: Budget,
    sandbox: Sandbox | None,
    samples: int,
    test_cmd: str | None,
    include_secrets: bool,
    env: str,
    setup: str | None,
    progress: Callable[[str], None] | None,
) -> SolveContext:
    """The run's context: model client, meter, trajectory (continued when resuming), environment, sessions."""
    out_dir.mkdir(parents=True, exist_ok=True)
    resume = has_checkpoints(out_dir) and (out_dir / "trajectory.jsonl").is_file()
    prior, prior_seconds = (
        spent_before(read_trajectory(out_dir / "trajectory.jsonl")) if resume else (None, 0.0)
    )
    # every model request and retry ends by the run's wall-time budget (issue 11.5), resumed runs' time included
    llm = llm_from_settings(settings, deadline=time.monotonic() + budget.max_seconds - prior_seconds)
    sandbox = sandbox or make_sandbox(settings.sandbox.backend, image=settings.sandbox.image)
    trajectory = Trajectory(out_dir / "trajectory.jsonl", llm.scrubber, resume=resume)
    trajectory.log(
        "resumed" if resume else "run",
        repo=str(repo),
        issue=issue,
        model=settings.llm.model,
        samples=samples,
        test_cmd=test_cmd,
        budget=budget.model_dump(),
        **run_metadata(repo, settings),
    )
    if progress:
        progress("preparing the repository's environment")
    environment = prepare_environment(repo, env, sandbox, setup=setup)
    trajectory.log("environment", **environment.to_dict())
    build, locate = default_graph_steps(repo)
    sessions = SessionFactory.for_run(
        sandbox, settings.sandbox, timeout=budget.tool_timeout, venv=environment.venv
    )
    return SolveContext(
        repo=repo,
        settings=settings,
        llm=llm,
        sessions=sessions,
        meter=BudgetMeter(budget, llm, prior=prior, prior_seconds=prior_seconds),
        trajectory=trajectory,
        graph=GraphSource(build),
        locate=locate,
        environment=environment,
        samples=samples,
        test_cmd=test_cmd,
        include_secrets=include_secrets,
        progress=progress,
    )
