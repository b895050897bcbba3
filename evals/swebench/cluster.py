"""SWE-bench work through the executor seam: what runs on a node, what a node must have, what comes back.

On a remote node a task runs the same per-instance function as the local executor (`evaluate_one`,
`solve_instance`) into a scratch folder and returns that folder's files; the driver alone writes them into
the output folder (`write_returned`), `outcome.json` last, with the node that ran it.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from repowright.agent.atomic import atomic_write
from repowright.agent.config import Settings
from repowright.agent.errors import UserError
from repowright.agent.executor import Executor, Finished, Item, Resources, memory_bytes
from repowright.agent.node_sandbox import NodeSandbox, check_sandbox, node_sandbox
from repowright.agent.solver import Solver
from repowright.sandbox import Sandbox

from .envs import EnvCache
from .evaluate import EvalOptions, evaluate_one, instance_dir
from .fetch import fetch_mirror, is_url_template, mirror_url
from .repos import find_mirror
from .run import RunOptions, solve_instance


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path (what a remote task sends back)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def write_returned(folder: Path, files: dict[str, bytes], outcome: dict, node: str, name: str) -> dict:
    """The driver writes a task's files, then its outcome (named `name`) with the node that ran it."""
    for rel, data in files.items():
        if rel != name:
            atomic_write(folder / rel, data)
    outcome = {**outcome, "node": node}
    atomic_write(folder / name, json.dumps(outcome, indent=2))
    return outcome


# ---------------------------------------------------------------------- evaluate
def with_mirror(opts: EvalOptions, repo: str, commits: tuple[str, ...] = ()) -> EvalOptions:
    """`opts` whose repos_dir holds `repo`: as given, or this node's clone fetched from the URL template."""
    if opts.repos_url is None:
        return opts
    return replace(opts, repos_dir=fetch_mirror(opts.repos_url, repo, opts.cache_dir / "repos", commits))


def _commits(instance: dict) -> tuple[str, ...]:
    return tuple(
        str(instance[key]) for key in ("base_commit", "environment_setup_commit") if instance.get(key)
    )


def evaluate_on_node(instance: dict, prediction: dict, opts: EvalOptions, spec: NodeSandbox) -> dict:
    """A remote task: `evaluate_one` into a scratch folder; return its outcome and files."""
    scratch = Path(tempfile.mkdtemp(prefix="repowright-eval-"))
    try:
        node_opts = replace(with_mirror(opts, instance["repo"], _commits(instance)), out_dir=scratch)
        envs = EnvCache(
            opts.cache_dir, opts.specs, build_timeout=opts.env_build_timeout, as_of=opts.packages_as_of
        )
        outcome = evaluate_one(instance, prediction, node_opts, node_sandbox(spec), envs)
        return {"outcome": outcome, "files": files_of(instance_dir(node_opts, prediction))}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def evaluate_locally(
    instance: dict,
    prediction: dict,
    opts: EvalOptions,
    sandbox: Sandbox,
    envs: EnvCache,
    stopping: threading.Event | None = None,
) -> dict:
    """A local task: `evaluate_one` straight into the output folder, as always (nothing recorded once stopping)."""
    local_opts = with_mirror(opts, instance["repo"], _commits(instance))
    return {"outcome": evaluate_one(instance, prediction, local_opts, sandbox, envs, stopping), "files": {}}


def evaluation_tasks(
    executor: Executor,
    todo: list[str],
    instances: dict[str, dict],
    predictions: dict[str, dict],
    opts: EvalOptions,
    sandbox: Sandbox,
    envs: EnvCache,
    stopping: threading.Event | None = None,
) -> tuple[Callable[..., dict], Iterable[Item], Resources]:
    """The task function, its items and their resources for this executor; checks the nodes first."""
    resources = Resources(cpus=opts.limits.cpus, memory=memory_bytes(opts.limits.memory))
    if not executor.remote:
        return (
            evaluate_locally,
            ((i, (instances[i], predictions[i], opts, sandbox, envs, stopping)) for i in todo),
            resources,
        )
    spec = executor.node_sandbox(sandbox.name)
    repos = sorted({instances[i]["repo"] for i in todo if (predictions[i].get("model_patch") or "").strip()})
    if opts.repos_url is None:  # a repository the driver lacks is an error of its instances, as locally
        repos = [r for r in repos if _driver_has_mirror(opts.repos_dir, r)]
    executor.check_nodes(check_evaluate_node, opts, repos, spec)
    return evaluate_on_node, ((i, (instances[i], predictions[i], opts, spec)) for i in todo), resources


def _driver_has_mirror(repos_dir: Path | None, repo: str) -> bool:
    try:
        find_mirror(repos_dir, repo)
    except UserError:
        return False
    return True


def record_evaluation(opts: EvalOptions, prediction: dict, done: Finished) -> dict:
    """Write what a task returned (remote) and the outcome with its node; return the outcome."""
    return write_returned(
        instance_dir(opts, prediction), done.value["files"], done.value["outcome"], done.node, "outcome.json"
    )


def check_evaluate_node(opts: EvalOptions, repos: list[str], spec: NodeSandbox) -> list[str]:
    """On a node: one line per missing piece (engine, sandbox image, repositories, environment cache)."""
    problems = check_sandbox(spec)
    for repo in repos:
        try:
            if opts.repos_url is None:
                find_mirror(opts.repos_dir, repo)
            else:
                fetch_mirror(opts.repos_url, repo, opts.cache_dir / "repos")
        except UserError as exc:
            where = (
                "--repos-dir must be a path every node sees"
                if opts.repos_url is None
                else "the URL template must be reachable from every node"
            )
            problems.append(f"{exc} ({where})")
    problems += check_writable(opts.cache_dir, "the environment cache")
    return problems


def check_writable(folder: Path, what: str) -> list[str]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = Path(tempfile.mkstemp(dir=folder, prefix=".probe-")[1])
        probe.unlink()
    except OSError as exc:
        return [f"cannot write {what} {folder} ({exc.strerror}); make it writable on this node"]
    return []


def describe_repos(value: str | None) -> tuple[Path | None, str | None]:
    """`--repos-dir` as (folder, None) or (None, URL template)."""
    if value is None:
        return None, None
    if is_url_template(value):
        mirror_url(value, "owner/name")  # a malformed template fails here, before any work
        return None, value
    if not Path(value).is_dir():
        raise UserError(
            f"--repos-dir {value} is neither a directory nor a URL template such as "
            "https://github.com/{owner}/{name}.git; pass the folder of clones or bare mirrors"
        )
    return Path(value).resolve(), None


# ---------------------------------------------------------------------- run (solve)
def solve_on_node(instance: dict, solver: Solver, settings: Settings, opts: RunOptions) -> dict:
    """A remote task: `solve_instance` into a scratch folder; return its outcome and files."""
    scratch = Path(tempfile.mkdtemp(prefix="repowright-run-"))
    try:
        outcome = solve_instance(instance, solver, settings, replace(opts, out_dir=scratch))
        return {"outcome": outcome, "files": files_of(scratch / "instances" / instance["instance_id"])}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def solve_locally(
    instance: dict,
    solver: Solver,
    settings: Settings,
    opts: RunOptions,
    stopping: threading.Event | None = None,
) -> dict:
    """A local task: `solve_instance` straight into the run folder, as always (nothing recorded once stopping)."""
    return {"outcome": solve_instance(instance, solver, settings, opts, stopping), "files": {}}


def solve_tasks(
    executor: Executor,
    todo: list[dict],
    solver: Solver,
    settings: Settings,
    opts: RunOptions,
    stopping: threading.Event | None = None,
) -> tuple[Callable[..., dict], Iterable[Item], Resources]:
    """The task function, its items and their resources for this executor; checks the nodes first."""
    box = settings.sandbox
    resources = Resources(cpus=box.cpus, memory=memory_bytes(box.memory))
    if not executor.remote:
        return (
            solve_locally,
            ((i["instance_id"], (i, solver, settings, opts, stopping)) for i in todo),
            resources,
        )
    repos = sorted({i["repo"] for i in todo if _driver_has_mirror(opts.repos_dir, i["repo"])})
    executor.check_nodes(check_run_node, opts.repos_dir, repos, executor.node_sandbox(box.backend))
    return solve_on_node, ((i["instance_id"], (i, solver, settings, opts)) for i in todo), resources


def record_solve(opts: RunOptions, done: Finished) -> dict:
    """Write what a task returned (remote) and the outcome with its node; return the outcome."""
    return write_returned(
        opts.out_dir / "instances" / done.key,
        done.value["files"],
        done.value["outcome"],
        done.node,
        "outcome.json",
    )


def check_run_node(repos_dir: Path | None, repos: list[str], spec: NodeSandbox) -> list[str]:
    """On a node: the sandbox and the repositories the driver sees."""
    problems = check_sandbox(spec)
    for repo in repos:
        try:
            find_mirror(repos_dir, repo)
        except UserError as exc:
            problems.append(f"{exc} (--repos-dir must be a path every node sees)")
    return problems
