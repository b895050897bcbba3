"""`evaluate`: every prediction through environment, patch, tests and grading; resumable, parallel, reported."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from repowright.agent.atomic import atomic_write
from repowright.agent.config import SwebenchConfig
from repowright.agent.env.installer import SWEBENCH_IMAGES_DATE
from repowright.agent.errors import UserError
from repowright.agent.executor import Executor, LocalExecutor
from repowright.sandbox import Limits, Sandbox, SandboxError, close_live_sessions

from .envs import EnvBuildError, EnvCache
from .errors import HarnessError
from .grading import grade
from .overlay import overlay_for
from .repos import find_mirror, has_commit
from .runner import run_instance
from .specs import Specs

SCHEMA_VERSION = 2


_DEFAULTS = SwebenchConfig()  # the settings' defaults, named once there


def limits_of(cfg: SwebenchConfig) -> Limits:
    """The sandbox limits of one instance's evaluation, from the [swebench] settings."""
    return Limits(timeout=cfg.timeout, memory=cfg.memory, cpus=cfg.cpus, pids=cfg.pids)


@dataclass
class EvalOptions:
    """Where things live and how hard to try."""

    run_id: str
    out_dir: Path
    cache_dir: Path
    repos_dir: Path | None = None
    repos_url: str | None = None  # a git URL template with {owner} and {name}: each node clones what it needs
    workers: int = _DEFAULTS.workers
    timeout: float = _DEFAULTS.timeout
    limits: Limits = field(default_factory=lambda: limits_of(_DEFAULTS))
    specs: Specs = field(default_factory=Specs)
    packages_as_of: str = SWEBENCH_IMAGES_DATE
    env_build_timeout: float = _DEFAULTS.env_build_timeout


def patch_sha(prediction: dict) -> str:
    return hashlib.sha256((prediction.get("model_patch") or "").encode()).hexdigest()[:16]


def instance_dir(opts: EvalOptions, prediction: dict) -> Path:
    """SWE-bench's layout: <out>/<run_id>/<model, slashes as __>/<instance_id>."""
    model = str(prediction["model_name_or_path"]).replace("/", "__")
    return opts.out_dir / opts.run_id / model / prediction["instance_id"]


def recorded_outcome(folder: Path, prediction: dict) -> dict | None:
    """The outcome a previous run recorded for this very prediction, if any."""
    try:
        outcome = json.loads((folder / "outcome.json").read_text())
    except (OSError, json.JSONDecodeError):
        return None
    return outcome if outcome.get("patch_sha") == patch_sha(prediction) else None


def evaluate_one(
    instance: dict,
    prediction: dict,
    opts: EvalOptions,
    sandbox: Sandbox,
    envs: EnvCache,
    stopping: threading.Event | None = None,
) -> dict:
    """Evaluate one prediction; write patch.diff, test_output.txt, report.json and outcome.json.

    When `stopping` is set by then (the run was interrupted), no outcome is recorded: a resumed run redoes it.
    """
    folder = instance_dir(opts, prediction)
    patch = prediction.get("model_patch") or ""
    outcome: dict = {"instance_id": instance["instance_id"], "patch_sha": patch_sha(prediction)}
    atomic_write(folder / "patch.diff", patch)
    start = time.monotonic()
    if not patch.strip():
        outcome.update(status="empty_patch")
    else:
        try:
            outcome.update(_run_and_grade(instance, prediction, patch, opts, sandbox, envs, folder))
        except EnvBuildError as exc:
            outcome.update(status="error", error_kind="environment", error=str(exc))
        except UserError as exc:
            outcome.update(status="error", error_kind="repository", error=str(exc))
        except (SandboxError, HarnessError) as exc:
            outcome.update(status="error", error_kind="sandbox", error=str(exc)[:2000])
    outcome["seconds"] = round(time.monotonic() - start, 1)
    if stopping is None or not stopping.is_set():
        atomic_write(folder / "outcome.json", json.dumps(outcome, indent=2))
    return outcome


def _run_and_grade(
    instance: dict,
    prediction: dict,
    patch: str,
    opts: EvalOptions,
    sandbox: Sandbox,
    envs: EnvCache,
    folder: Path,
) -> dict:
    spec = opts.specs.spec(instance)
    parser = opts.specs.parser(instance)
    mirror = find_mirror(opts.repos_dir, instance["repo"])
    for commit in (instance["base_commit"], instance["environment_setup_commit"]):
        if not has_commit(mirror, commit):
            raise EnvBuildError(f"{mirror} lacks commit {commit[:12]}; fetch the repository again")
    env, built = envs.get(instance, mirror)
    overlay = overlay_for(instance, spec, env, mirror, opts.cache_dir, opts.packages_as_of)
    result = run_instance(
        sandbox, instance, patch, env, mirror, spec, timeout=opts.timeout, limits=opts.limits, overlay=overlay
    )
    atomic_write(folder / "test_output.txt", result.log)
    info = {
        "env": str(env.path),
        "env_built": built,
        "overlay": str(overlay) if overlay else None,
        "patch_applied_with": result.applied_with,
        "timed_out": result.timed_out,
        "notes": result.notes + env.manifest.get("notes", []),
    }
    if result.applied_with is None:
        return {
            **info,
            "status": "error",
            "error_kind": "patch_apply",
            "error": "the patch did not apply with git apply, git apply --reject or patch --fuzz=5",
        }
    report = grade(instance, prediction, result.log, parser)
    atomic_write(folder / "report.json", json.dumps(report, indent=4))
    resolved = report[instance["instance_id"]]["resolved"]
    return {**info, "status": "resolved" if resolved else "unresolved"}


def run_report(instances: list[dict], predictions: dict[str, dict], outcomes: dict[str, dict]) -> dict:
    """The run report with SWE-bench's fields (schema_version 2) and a `repowright` section."""
    ids = {
        kind: sorted(i for i, o in outcomes.items() if o["status"] == kind)
        for kind in ("resolved", "unresolved", "error", "empty_patch")
    }
    completed = sorted(ids["resolved"] + ids["unresolved"])
    incomplete = sorted(i["instance_id"] for i in instances if i["instance_id"] not in outcomes)
    return {
        "total_instances": len(instances),
        "submitted_instances": len(predictions),
        "completed_instances": len(completed),
        "resolved_instances": len(ids["resolved"]),
        "unresolved_instances": len(ids["unresolved"]),
        "empty_patch_instances": len(ids["empty_patch"]),
        "error_instances": len(ids["error"]),
        "completed_ids": completed,
        "incomplete_ids": incomplete,
        "empty_patch_ids": ids["empty_patch"],
        "submitted_ids": sorted(predictions),
        "resolved_ids": ids["resolved"],
        "unresolved_ids": ids["unresolved"],
        "error_ids": ids["error"],
        "schema_version": SCHEMA_VERSION,
        "repowright": {
            "patch_apply_failed_ids": sorted(
                i for i, o in outcomes.items() if o.get("error_kind") == "patch_apply"
            ),
            "environment_error_ids": sorted(
                i for i, o in outcomes.items() if o.get("error_kind") == "environment"
            ),
            "patch_applied_with": {
                i: o["patch_applied_with"] for i, o in sorted(outcomes.items()) if o.get("patch_applied_with")
            },
            "errors": {i: o["error"] for i, o in sorted(outcomes.items()) if o.get("error")},
        },
    }


def check_inputs(instances: list[dict], predictions: dict[str, dict], opts: EvalOptions) -> None:
    """Fail before any work when a spec or parser is missing or no repositories folder is given (UserError).

    A repository missing from the folder is an error of its instances only, so the others still run.
    """
    by_id = {i["instance_id"]: i for i in instances}
    for iid, prediction in predictions.items():
        if (prediction.get("model_patch") or "").strip():
            opts.specs.spec(by_id[iid])
            opts.specs.parser(by_id[iid])
            if opts.repos_dir is None and opts.repos_url is None:
                find_mirror(None, by_id[iid]["repo"])


def evaluate(
    instances: list[dict],
    predictions: dict[str, dict],
    opts: EvalOptions,
    sandbox: Sandbox,
    on_done: Callable[[str, dict, bool], None] | None = None,
    executor: Executor | None = None,
) -> tuple[dict, Path]:
    """Evaluate every prediction (skipping those a previous run finished); return the report and its path.

    `executor` runs the instances (default: threads here, `opts.workers` at once).
    """
    from .cluster import evaluation_tasks, record_evaluation

    if sandbox.name != "docker":  # the runner mounts the repository and environment at fixed paths
        raise UserError(
            f"evaluate needs the docker sandbox, not {sandbox.name}: it mounts the repository and "
            "its environment into a container; start the engine and drop --sandbox local"
        )
    envs = EnvCache(
        opts.cache_dir, opts.specs, build_timeout=opts.env_build_timeout, as_of=opts.packages_as_of
    )
    check_inputs(instances, predictions, opts)
    by_id = {i["instance_id"]: i for i in instances}
    outcomes: dict[str, dict] = {}
    todo = []
    for iid, prediction in predictions.items():
        previous = recorded_outcome(instance_dir(opts, prediction), prediction)
        if previous is not None:
            outcomes[iid] = previous
            if on_done:
                on_done(iid, previous, True)
        else:
            todo.append(iid)
    executor = executor or LocalExecutor(opts.workers)
    stopping = threading.Event()
    fn, items, resources = evaluation_tasks(executor, todo, by_id, predictions, opts, sandbox, envs, stopping)
    try:
        for done in executor.map(fn, items, resources):
            outcomes[done.key] = record_evaluation(opts, predictions[done.key], done)
            if on_done:
                on_done(done.key, outcomes[done.key], False)
    except BaseException:  # interrupted (SIGTERM, Ctrl-C) or failed: start nothing more, record nothing more
        stopping.set()
        close_live_sessions()  # ends the running instances' commands now, not at their timeout
        raise
    report = run_report(instances, predictions, outcomes)
    report["repowright"]["executor"] = executor.stats().to_dict()
    model = str(next(iter(predictions.values()))["model_name_or_path"]).replace("/", "__")
    path = opts.out_dir / opts.run_id / f"{model}.{opts.run_id}.json"
    atomic_write(path, json.dumps(report, indent=4))
    return report, path
