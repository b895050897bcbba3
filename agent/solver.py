"""The seam between the front doors (GitHub Action, SWE-bench `run`) and the `solve` pipeline.

Front doors call a `Solver`: (repository path, issue text, settings, output folder) -> SolveResult.
`default_solver()` adapts `agent.solve.solve_issue`; tests hand in their own solver.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Settings
from .errors import UserError


@dataclass
class SolveResult:
    """What one solve produced: `status` is "solved" when `patch` (a unified diff) is worth submitting.

    agent.solve's own result (status "patched" | "no_patch" | "error", `tokens`, `error`) maps onto it.
    """

    status: str
    patch: str = ""
    message: str = ""
    usage: dict[str, float] = field(default_factory=dict)  # prompt_tokens, completion_tokens, cost

    @property
    def solved(self) -> bool:
        return self.status == "solved" and bool(self.patch.strip())


Solver = Callable[[Path, str, Settings, Path], SolveResult]


def as_solve_result(value: Any) -> SolveResult:
    """Coerce whatever the solve pipeline returns (an object or a dict with status/patch) into a SolveResult."""
    if isinstance(value, SolveResult):
        return value
    get = value.get if isinstance(value, dict) else lambda key, default=None: getattr(value, key, default)
    usage = get("usage", None) or get("tokens", None) or {}  # agent.solve reports `tokens`
    if not isinstance(usage, dict):
        usage = {k: getattr(usage, k) for k in ("prompt_tokens", "completion_tokens", "cost") if hasattr(usage, k)}
    status = str(get("status", "failed"))
    return SolveResult(status="solved" if status == "patched" else status, patch=get("patch", "") or "",
                       message=str(get("message", "") or get("error", "") or ""), usage=dict(usage))


def default_solver() -> Solver:
    """`agent.solve.solve_issue(repo_path, issue_text, settings, out_dir)` behind the seam."""
    try:
        from .solve import solve_issue  # type: ignore[attr-defined]
    except ImportError as exc:
        raise UserError("the solve pipeline (agent.solve.solve_issue) is not installed in this build") from exc

    def solve(repo_path: Path, issue_text: str, settings: Settings, out_dir: Path) -> SolveResult:
        return as_solve_result(solve_issue(repo_path, issue_text, settings, out_dir))

    return solve
