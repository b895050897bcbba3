"""`solve_issue`, the driver: understand the issue once, fan the candidates out, choose the winner.

The pipeline itself is in graph.py; opening the run in start.py; the outputs in outputs.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from repowright.sandbox import Sandbox

from ..config import Settings
from .budget import Budget
from .checkpoint import checkpointer, forget_checkpoints
from .fanout import fan_out
from .graph import build_candidate_graph, build_understand_graph, solve_candidate, understand_issue
from .outputs import SolveResult, candidate_summary, finish
from .start import check_input, open_run

__all__ = ["SolveResult", "solve_issue"]


def solve_issue(
    repo_path: Path,
    issue_text: str,
    settings: Settings,
    out_dir: Path,
    *,
    samples: int | None = None,
    parallel: int | None = None,
    test_cmd: str | None = None,
    apply: bool = False,
    progress: Callable[[str], None] | None = None,
    budget: Budget | None = None,
    sandbox: Sandbox | None = None,
    include_secrets: bool = False,
    env: str = "auto",
    setup: str | None = None,
) -> SolveResult:
    """Resolve `issue_text` in the repository at `repo_path`; outputs go to `out_dir`, and a run killed part way
    continues from its last completed steps when called again with the same `out_dir`. Options left None come
    from `settings` ([solve] and [sandbox])."""
    repo, out_dir = check_input(repo_path, issue_text), Path(out_dir)
    samples, parallel = max(1, samples or settings.solve.samples), parallel or settings.solve.parallel
    ctx = open_run(
        repo,
        issue_text,
        settings,
        out_dir,
        budget=budget or Budget.from_settings(settings),
        sandbox=sandbox,
        samples=samples,
        test_cmd=test_cmd or settings.solve.test_command,
        include_secrets=include_secrets,
        env=env,
        setup=setup or settings.solve.setup,
        progress=progress,
    )
    candidates: list[dict[str, Any]] = []
    errors: list[str] = []
    localization: dict[str, Any] = {}
    try:
        with checkpointer(out_dir) as saver:
            understanding = understand_issue(build_understand_graph(saver), ctx, issue_text)
            localization = understanding.localization
            errors += [understanding.error] if understanding.error else []
            if not (understanding.error or understanding.stop_reason):
                graph = build_candidate_graph(saver)

                def candidate(sample: int) -> None:
                    if sample and ctx.meter.spent():  # no new candidate once the budget is spent
                        ctx.trajectory.log("stop", reason=ctx.meter.spent())
                        return
                    final = solve_candidate(graph, ctx, understanding, sample)
                    candidates.append(candidate_summary(sample, final))  # kept even if the run is interrupted

                fan_out(list(range(samples)), parallel, candidate)
                errors += [c["error"] for c in candidates if c["error"]]
    except KeyboardInterrupt:
        ctx.meter.stop("interrupted")  # candidates still running in other threads stop at their next step
        ctx.trajectory.log("interrupted", candidates=len(candidates))
        finish(ctx, out_dir, candidates, errors, localization, interrupted=True)
        ctx.trajectory.close()
        raise  # the checkpoints stay: the same --out resumes
    try:
        return finish(ctx, out_dir, candidates, errors, localization, apply=apply)
    finally:
        ctx.trajectory.close()
        forget_checkpoints(out_dir)
