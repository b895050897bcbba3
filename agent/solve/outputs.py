"""What a solve leaves behind: the chosen candidate, `SolveResult`, and the files written to the run folder
(patch.diff, candidates/sample-N.diff, result.json, report.html), plus `--apply` to the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import atomic_write
from ..env.prepare import RepoEnvironment
from ..errors import UserError
from .report import write_report
from .resources import SolveContext


@dataclass
class SolveResult:
    """The outcome of a run: the chosen patch, its checks, what it cost, and where the outputs are."""

    status: str  # "patched" | "unverified" (a patch no test could check) | "no_patch" | "error"
    patch: str
    checks: dict[str, bool | None]
    tokens: dict[str, int]
    seconds: float
    out_dir: Path
    error: str | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)
    reason: str | None = None  # why a patch is unverified
    environment: dict[str, Any] = field(default_factory=dict)
    environment_errors: dict[str, str] = field(default_factory=dict)
    summary: str = ""  # the model's one-paragraph account of the change, given when it submitted

    @property
    def patched(self) -> bool:
        """Whether there is a patch worth submitting (checked or not: `status` says which)."""
        return self.status in ("patched", "unverified") and bool(self.patch.strip())

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "patch": self.patch,
            "checks": self.checks,
            "tokens": self.tokens,
            "seconds": round(self.seconds, 2),
            "out_dir": str(self.out_dir),
            "error": self.error,
            "reason": self.reason,
            "environment": self.environment,
            "environment_errors": self.environment_errors,
            "summary": self.summary,
        }


def candidate_summary(sample: int, final: dict[str, Any]) -> dict[str, Any]:
    """The best attempt of one candidate (most checks passed; the later one on a tie)."""
    attempts = final.get("attempts") or []
    best = max(attempts, key=lambda a: (a.get("score", 0), a.get("attempt", 0)), default=None)
    return {
        "sample": sample,
        "patch": (best or {}).get("patch", ""),
        "checks": (best or {}).get("checks", {}),
        "details": (best or {}).get("details", {}),
        "score": (best or {}).get("score", 0),
        "environment_errors": (best or {}).get("environment_errors", {}),
        "attempts": len(attempts),
        "submitted": final.get("submitted", False),
        "stop_reason": final.get("stop_reason"),
        "error": final.get("error"),
        "reproduction": final.get("reproduction"),
    }


def choose(candidates: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The candidate passing most checks; fewer failures, then a non-empty patch, break ties."""

    def key(c: dict[str, Any]) -> tuple:
        failed = sum(1 for v in c["checks"].values() if v is False)
        return (bool(c["patch"].strip()), c["score"], -failed, -c["sample"])

    return max(candidates, key=key, default=None)


def finish(
    ctx: SolveContext,
    out_dir: Path,
    candidates: list[dict[str, Any]],
    errors: list[str],
    localization: dict[str, Any],
    *,
    interrupted: bool = False,
    apply: bool = False,
) -> SolveResult:
    """Choose the candidate and write patch.diff, result.json, the per-candidate diffs and report.html."""
    candidates = sorted(candidates, key=lambda c: c["sample"])  # parallel candidates end in any order
    best = choose(candidates)
    patch = best["patch"] if best else ""
    reason = unverified_reason(best, ctx.environment) if patch.strip() else None
    if patch.strip():
        status = "unverified" if reason else "patched"
    elif errors or interrupted:
        status = "error"
    else:
        status = "no_patch"
    error = "interrupted" if interrupted else (errors[0] if errors and status == "error" else None)
    result = SolveResult(
        status,
        patch,
        (best or {}).get("checks", {}),
        ctx.meter.usage_dict(),
        ctx.meter.seconds,
        out_dir,
        error,
        candidates,
        reason,
        ctx.environment.to_dict() if ctx.environment else {},
        (best or {}).get("environment_errors", {}),
        submit_summary(ctx.trajectory.records, best["sample"]) if best else "",
    )
    atomic_write(out_dir / "patch.diff", patch)
    apply_error = None
    if apply and result.patched:
        try:
            apply_to_checkout(ctx.repo, patch)
            ctx.trajectory.log("applied", repo=str(ctx.repo))
        except UserError as exc:  # the outputs are still written; the caller sees the error
            apply_error = exc
            ctx.trajectory.log("error", step="apply", message=str(exc))
    for c in candidates:
        atomic_write(out_dir / "candidates" / f"sample-{c['sample']}.diff", c["patch"])
    scrub = ctx.trajectory.scrubber.data  # test output in the checks' details may print a secret
    atomic_write(
        out_dir / "result.json",
        json.dumps(
            scrub(
                {
                    **result.to_dict(),
                    "candidates": [{k: v for k, v in c.items() if k != "patch"} for c in candidates],
                }
            ),
            indent=2,
            default=str,
        ),
    )
    ctx.trajectory.log(
        "end",
        status=status,
        checks=result.checks,
        tokens=result.tokens,
        seconds=round(result.seconds, 2),
        chosen=(best or {}).get("sample"),
    )
    write_report(
        out_dir / "report.html",
        ctx.trajectory.records,
        scrub(result.to_dict()),
        localization,
        scrub(candidates),
    )
    if apply_error is not None:
        raise apply_error
    return result


def submit_summary(records: list[dict[str, Any]], sample: int) -> str:
    """The one-paragraph summary the model gave when it submitted candidate `sample` (last submit wins)."""
    for record in reversed(records):
        if (
            record.get("type") == "tool_call"
            and record.get("name") == "submit"
            and record.get("sample") == sample
        ):
            arguments = record.get("arguments")
            return str(arguments.get("summary", "")) if isinstance(arguments, dict) else ""
    return ""


TEST_CHECKS = ("reproduction_passes_after", "existing_tests_pass")


def unverified_reason(best: dict[str, Any] | None, environment: RepoEnvironment | None) -> str | None:
    """Why the chosen patch cannot be called verified (no test ran, or not in the repository's environment)."""
    if environment is not None and environment.error:
        return environment.error
    checks = (best or {}).get("checks", {})
    if any(checks.get(name) is not None for name in TEST_CHECKS):
        return None
    problems = (best or {}).get("environment_errors", {})
    if problems:
        return "no test could run: " + "; ".join(f"{k}: {v}" for k, v in problems.items())
    return "no test could run: no reproduction test was usable and no existing test touches the change"


def apply_to_checkout(repo: Path, patch: str) -> None:
    """Apply the chosen patch to the host checkout (only on --apply); a one-line error when it does not apply."""
    with tempfile.NamedTemporaryFile("w", suffix=".diff", delete=False) as handle:
        handle.write(patch)
    try:
        for args in (["git", "apply", "--check", handle.name], ["git", "apply", handle.name]):
            # The ceiling keeps git from using an enclosing repository, whose root would change what paths mean.
            done = subprocess.run(
                args,
                cwd=repo,
                capture_output=True,
                text=True,
                env={**os.environ, "GIT_CEILING_DIRECTORIES": str(repo.parent)},
            )
            if done.returncode != 0:
                raise UserError(
                    f"the patch does not apply to {repo}: {done.stderr.strip()[:200]}; it is in "
                    "patch.diff under the run's output folder"
                )
    finally:
        os.unlink(handle.name)
