"""The seam between the front doors (GitHub Action, SWE-bench `run`) and the `solve` pipeline.

Front doors call a `Solver`: (repository path, issue text, settings, output folder) -> agent.solve.SolveResult.
`default_solver()` is the pipeline itself; tests hand in their own solver.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Settings

if TYPE_CHECKING:  # the pipeline imports langgraph; the CLI should not pay for that at start-up
    from .solve.run import SolveResult

Solver = Callable[[Path, str, Settings, Path], "SolveResult"]


def default_solver() -> Solver:
    """`agent.solve.solve_issue(repo_path, issue_text, settings, out_dir)` with its default options."""
    from .solve import solve_issue

    return solve_issue
