"""`run`: solve every instance and write predictions in the official format; resumable, outcome per instance."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from repowright.agent.atomic import atomic_write
from repowright.agent.config import Settings, SwebenchConfig
from repowright.agent.executor import Executor, LocalExecutor
from repowright.agent.llm import abandon_requests, cost_of
from repowright.agent.solver import Solver
from repowright.sandbox import close_live_sessions

if TYPE_CHECKING:
    from repowright.agent.solve.run import SolveResult

from .errors import CheckoutError
from .repos import find_mirror

FINAL = ("solved", "no_patch", "error")


@dataclass
class RunOptions:
    """Where predictions and per-instance records go, and how the run proceeds."""

    out_dir: Path
    model_name: str
    repos_dir: Path | None = None
    workers: int = SwebenchConfig().workers
    retry_errors: bool = False
    environment: Callable[[dict], str] | None = (
        None  # instance -> solve's env (its spec's, by the core builder)
    )


def checkout(mirror: Path, commit: str, dest: Path) -> Path:
    """A clean checkout of `commit` at `dest` (git only: nothing of the repository runs)."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.parent.mkdir(parents=True, exist_ok=True)
    for argv in (
        ["git", "clone", "-q", "--shared", "--no-checkout", str(mirror), str(dest)],
        ["git", "-C", str(dest), "checkout", "-q", commit],
        ["git", "-C", str(dest), "remote", "remove", "origin"],
    ):
        proc = subprocess.run(argv, capture_output=True, text=True)
        if proc.returncode != 0:
            raise CheckoutError(f"{' '.join(argv[:3])} failed: {proc.stderr.strip()[:300]}")
    return dest


def outcome_path(opts: RunOptions, iid: str) -> Path:
    return opts.out_dir / "instances" / iid / "outcome.json"


def load_outcome(opts: RunOptions, iid: str) -> dict | None:
    try:
        outcome = json.loads(outcome_path(opts, iid).read_text())
    except (OSError, json.JSONDecodeError):
        return None
    if outcome.get("status") not in FINAL or (opts.retry_errors and outcome["status"] == "error"):
        return None
    return outcome


def outcome_status(result: SolveResult) -> str:
    """solved, error (an outage or a crash: `--retry-errors` solves it again) or no_patch (the model gave up)."""
    if result.patched:
        return "solved"
    return "error" if result.status == "error" else "no_patch"


def usage_with_cost(tokens: dict, settings: Settings) -> dict:
    """The solver's token counts with their cost at the configured prices."""
    return {**tokens, "cost": round(cost_of(tokens, settings.llm), 6)}


def solve_instance(
    instance: dict,
    solver: Solver,
    settings: Settings,
    opts: RunOptions,
    stopping: threading.Event | None = None,
) -> dict:
    """Check out the base commit, call the solver on the problem statement, record the outcome.

    When `stopping` is set by then (the run was interrupted), no outcome is recorded: a resumed run redoes it.
    """
    iid = instance["instance_id"]
    folder = opts.out_dir / "instances" / iid
    start = time.monotonic()
    outcome: dict = {"instance_id": iid}
    try:
        repo = checkout(
            find_mirror(opts.repos_dir, instance["repo"]), instance["base_commit"], folder / "repo"
        )
        (folder / "solve").mkdir(parents=True, exist_ok=True)
        env = {"env": opts.environment(instance)} if opts.environment else {}
        result = solver(repo, instance["problem_statement"], settings, folder / "solve", **env)
        outcome.update(
            status=outcome_status(result),
            patch=result.patch if result.patched else "",
            message=result.error or "",
            usage=usage_with_cost(result.tokens, settings),
            solve_status=result.status,
        )
    except Exception as exc:  # one instance's failure is recorded and the run goes on
        outcome.update(status="error", patch="", message=f"{type(exc).__name__}: {exc}"[:2000], usage={})
    finally:
        shutil.rmtree(folder / "repo", ignore_errors=True)
    outcome["seconds"] = round(time.monotonic() - start, 1)
    if stopping is None or not stopping.is_set():
        atomic_write(outcome_path(opts, iid), json.dumps(outcome, indent=2))
    return outcome


def totals(outcomes: dict[str, dict]) -> dict:
    """Counts by status and summed token usage and cost."""
    out: dict = {status: sum(o["status"] == status for o in outcomes.values()) for status in FINAL}
    for key in ("prompt_tokens", "completion_tokens", "cost"):
        out[key] = sum(float(o.get("usage", {}).get(key, 0) or 0) for o in outcomes.values())
    out["prompt_tokens"], out["completion_tokens"] = int(out["prompt_tokens"]), int(out["completion_tokens"])
    out["cost"] = round(out["cost"], 6)
    return out


def run(
    instances: list[dict],
    solver: Solver,
    settings: Settings,
    opts: RunOptions,
    on_done: Callable[[str, dict, bool], None] | None = None,
    executor: Executor | None = None,
) -> tuple[dict, Path]:
    """Solve each instance not finished before; rewrite predictions.jsonl after each one; return totals.

    `executor` runs the instances (default: threads here, `opts.workers` at once).
    """
    from .cluster import record_solve, solve_tasks

    outcomes: dict[str, dict] = {}
    lock = threading.Lock()
    predictions = opts.out_dir / "predictions.jsonl"

    def write_predictions() -> None:
        order = [i["instance_id"] for i in instances if i["instance_id"] in outcomes]
        atomic_write(
            predictions,
            "".join(
                json.dumps(
                    {
                        "instance_id": iid,
                        "model_name_or_path": opts.model_name,
                        "model_patch": outcomes[iid]["patch"],
                    }
                )
                + "\n"
                for iid in order
            ),
        )

    todo = []
    for instance in instances:
        previous = load_outcome(opts, instance["instance_id"])
        if previous is None:
            todo.append(instance)
        else:
            outcomes[instance["instance_id"]] = previous
            if on_done:
                on_done(instance["instance_id"], previous, True)

    with lock:
        write_predictions()
    executor = executor or LocalExecutor(opts.workers)
    stopping = threading.Event()
    fn, items, resources = solve_tasks(executor, todo, solver, settings, opts, stopping)
    try:
        for done in executor.map(fn, items, resources):
            with lock:
                outcomes[done.key] = record_solve(opts, done)
                write_predictions()
            if on_done:
                on_done(done.key, outcomes[done.key], False)
    except BaseException:  # interrupted (SIGTERM, Ctrl-C) or failed: start nothing more, record nothing more
        stopping.set()
        close_live_sessions()  # ends the running solves' sandbox commands now
        abandon_requests()  # and their model calls, which would otherwise hold the exit for minutes
        raise
    summary = {
        "total_instances": len(instances),
        **totals(outcomes),
        "predictions": str(predictions),
        "executor": executor.stats().to_dict(),
    }
    atomic_write(opts.out_dir / "run.json", json.dumps(summary, indent=2))
    return summary, predictions
