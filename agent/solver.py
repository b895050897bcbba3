"""The seam between the front doors (GitHub Action, SWE-bench `run`) and the `solve` pipeline.

Front doors call a `Solver`: (repository path, issue text, settings, output folder, **options) ->
agent.solve.SolveResult; the options are solve_issue's keywords (for example `env`, the environment the checks
run in). `default_solver()` is the pipeline itself; tests hand in their own solver.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the pipeline imports langgraph; the CLI should not pay for that at start-up
    from .solve.run import SolveResult

Solver = Callable[..., "SolveResult"]  # (Path, str, Settings, Path, **options)


def default_solver() -> Solver:
    """`agent.solve.solve_issue(repo_path, issue_text, settings, out_dir)` with its default options."""
    from .solve import solve_issue

    return solve_issue
