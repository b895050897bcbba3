"""`solve_issue`: run the pipeline for N candidates, choose the one passing most checks, write the outputs."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from repowright.sandbox import Sandbox, make_sandbox

from ..atomic import atomic_write
from ..config import Settings
from ..env.prepare import RepoEnvironment, prepare_environment
from ..errors import UserError
from ..llm import llm_from_settings
from .budget import Budget, BudgetMeter
from .graph import SolveContext, build_solve_graph
from .report import write_report
from .trajectory import Trajectory
from .workspace import open_session

RECURSION_LIMIT = 400


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


LATER_SAMPLES_TEMPERATURE = 0.7  # the least temperature of candidates after the first, so they differ
EXPLORE_SEED = 0  # the explorer's seed: the same graph and issue explore the same way


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


EXPLORE_MODEL_CALLS = 20  # relevance questions the explorer may ask, at most


def default_graph_steps(repo: Path) -> tuple[Callable[[], Any], Callable[[Any, str, int, Any], Any]]:
    """Build (or load from cache) the knowledge graph; explore it with MCTS using the model as value."""

    def build() -> Any:
        from repowright.analyzers.knowledge_graph import build_knowledge_graph

        return build_knowledge_graph(repo)  # the user cache, shared by every checkout of the repository

    def explore(kg: Any, issue: str, calls_left: int, llm: Any) -> Any:
        from ..config_sections import LocateConfig
        from ..locate import locate

        calls = min(EXPLORE_MODEL_CALLS, max(0, calls_left - 10))  # leave most calls for the later steps
        config = LocateConfig(top=10, max_model_calls=calls, seed=EXPLORE_SEED)
        return locate(kg, issue, config, llm=llm if calls else None, root=repo)

    return build, explore


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


def solve_issue(
    repo_path: Path,
    issue_text: str,
    settings: Settings,
    out_dir: Path,
    *,
    samples: int = 1,
    test_cmd: str | None = None,
    apply: bool = False,
    progress: Callable[[str], None] | None = None,
    budget: Budget | None = None,
    sandbox: Sandbox | None = None,
    include_secrets: bool = False,
    env: str = "auto",
    setup: str | None = None,
) -> SolveResult:
    """Resolve `issue_text` in the repository at `repo_path`; outputs go to `out_dir`."""
    repo = Path(repo_path).resolve()
    if not repo.is_dir():
        raise UserError(f"{repo_path} is not a directory; give the path of a repository checkout")
    if not issue_text.strip():
        raise UserError(
            "the issue text is empty; pass --issue TEXT, --issue-file FILE or --github owner/repo#N"
        )
    budget = budget or Budget(tool_timeout=settings.sandbox.timeout)
    # every model request and retry ends by the run's wall-time budget (issue 11.5)
    llm = llm_from_settings(settings, deadline=time.monotonic() + budget.max_seconds)
    sandbox = sandbox or make_sandbox(settings.sandbox.backend, image=settings.sandbox.image)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    trajectory = Trajectory(out_dir / "trajectory.jsonl", llm.scrubber)
    trajectory.log(
        "run",
        repo=str(repo),
        issue=issue_text,
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
    build, explore = default_graph_steps(repo)
    ctx = SolveContext(
        repo=repo,
        llm=llm,
        sandbox=sandbox,
        budget=budget,
        meter=BudgetMeter(budget, llm),
        trajectory=trajectory,
        test_cmd=test_cmd,
        build_graph=build,
        locate=explore,
        include_secrets=include_secrets,
        venv=environment.venv,
        environment=environment,
    )
    graph = build_solve_graph(ctx)
    candidates: list[dict[str, Any]] = []
    errors: list[str] = []
    start = time.monotonic()
    try:
        for sample in range(max(1, samples)):
            if sample and ctx.meter.spent():
                trajectory.log("stop", reason=ctx.meter.spent())
                break
            ctx.progress = (
                (lambda name, s=sample: progress(f"candidate {s + 1}/{samples}: {name}"))
                if progress
                else None
            )
            ctx.temperature = (
                None if sample == 0 else max(LATER_SAMPLES_TEMPERATURE, settings.llm.temperature)
            )
            try:
                with open_session(
                    sandbox, budget, settings.sandbox.memory, settings.sandbox.cpus, environment.venv
                ) as session:
                    ctx.session, ctx.workspace, ctx.actor = session, None, None
                    final = graph.invoke(
                        {"issue": issue_text, "sample": sample}, config={"recursion_limit": RECURSION_LIMIT}
                    )
            except KeyboardInterrupt:
                raise
            except Exception as exc:  # a sandbox or tool failure ends this candidate, not the run
                trajectory.log("error", sample=sample, message=f"{type(exc).__name__}: {exc}")
                final = {"error": f"{type(exc).__name__}: {exc}"}
            candidates.append(candidate_summary(sample, final))
            if final.get("error"):
                errors.append(final["error"])
        return finish(ctx, out_dir, candidates, errors, start, apply=apply)
    except KeyboardInterrupt:
        trajectory.log("interrupted", candidates=len(candidates))
        finish(ctx, out_dir, candidates, errors, start, interrupted=True)
        raise
    finally:
        trajectory.close()


def finish(
    ctx: SolveContext,
    out_dir: Path,
    candidates: list[dict[str, Any]],
    errors: list[str],
    start: float,
    *,
    interrupted: bool = False,
    apply: bool = False,
) -> SolveResult:
    """Choose the candidate and write patch.diff, result.json, the per-candidate diffs and report.html."""
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
        ctx.llm.usage.to_dict(),
        time.monotonic() - start,
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
        ctx.localization or {},
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
