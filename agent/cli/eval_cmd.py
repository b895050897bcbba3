"""`repowright eval ...`: benchmarks; `eval swebench evaluate|run` is the SWE-bench harness."""

from __future__ import annotations

import re
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from ..errors import UserError
from ..executor import EXECUTOR_HELP, RAY_ADDRESS_HELP
from .common import JSON_OPTION_HELP, console, emit_json, err_console, settings_from_flags

if TYPE_CHECKING:
    from rich.progress import Progress

    from ..config import SwebenchConfig

app = typer.Typer(
    help="Run benchmarks and evaluations.\n\nExample: repowright eval swebench evaluate --dataset "
    "swebench-lite-dev.jsonl --predictions gold --run-id gold-dev --repos-dir repos",
    no_args_is_help=True,
)
swebench_app = typer.Typer(
    help="SWE-bench: evaluate predictions, or produce them with `solve`.\n\nExample: repowright eval "
    "swebench evaluate --dataset swebench-lite-dev.jsonl --predictions gold --run-id gold-dev "
    "--repos-dir repos",
    no_args_is_help=True,
)
app.add_typer(swebench_app, name="swebench")

DATASET_HELP = "Instances: a .json/.jsonl/.csv/.parquet file, or a Hugging Face dataset name (when online)."
REPOS_HELP = (
    "Folder of clones or bare mirrors named owner__name (on a cluster: a path every node sees), or a "
    "git URL template such as https://github.com/{owner}/{name}.git that each node clones from."
)
IDS_HELP = "Only these instance ids (repeat the option or separate with commas)."


_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def _run_id(value: str) -> str:
    """A run id names a folder under --out: letters, digits, '.', '_', '-', never a path."""
    if not _RUN_ID.match(value) or ".." in value:
        raise UserError(
            f"--run-id {value!r} is not a plain name; use letters, digits, '.', '_' and '-' "
            "(it names a folder under --out)"
        )
    return value


def _repos_dir(value: Path | None) -> Path:
    if value is None:
        raise UserError(
            "--repos-dir is required: a folder of clones or bare mirrors named owner__name "
            "(e.g. repos/astropy__astropy)"
        )
    if not value.is_dir():
        raise UserError(f"--repos-dir {value} is not a directory; pass the folder of clones or bare mirrors")
    return value.resolve()


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


def env_cache_dir(cfg: SwebenchConfig, out: Path) -> Path:
    """Where environments are cached: [swebench] cache_dir (or --cache-dir), else OUT/envs."""
    return (Path(cfg.cache_dir).expanduser() if cfg.cache_dir else out / "envs").resolve()


def progress_bar() -> Progress:
    """A progress bar on stderr, so stdout carries only the result (summary or JSON)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[last]}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    )


@swebench_app.command("evaluate")
def evaluate_cmd(
    dataset: str = typer.Option(..., "--dataset", help=DATASET_HELP),
    predictions: str = typer.Option(
        ..., "--predictions", help="Predictions file (.json/.jsonl, official format), or gold, or empty."
    ),
    run_id: str = typer.Option(..., "--run-id", help="Name of this evaluation run (its folder under --out)."),
    repos_dir: str = typer.Option(None, "--repos-dir", help=REPOS_HELP),
    out: Path = typer.Option(
        None, "--out", help="Where run folders and reports go (default: the user cache, swebench/)."
    ),
    cache_dir: Path = typer.Option(None, "--cache-dir", help="Environment cache (default: OUT/envs)."),
    specs_file: Path = typer.Option(
        None, "--specs", help="JSON {repo: {version: spec}} added to SWE-bench's."
    ),
    instance_ids: list[str] = typer.Option(None, "--instance-ids", help=IDS_HELP),
    repo: list[str] = typer.Option(None, "--repo", help="Only instances of this repository (owner/name)."),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Instances evaluated at once (on all nodes; default 1)."
    ),
    executor: str | None = typer.Option(None, "--executor", help=EXECUTOR_HELP),
    ray_address: str | None = typer.Option(None, "--ray-address", help=RAY_ADDRESS_HELP),
    timeout: float | None = typer.Option(
        None, "--timeout", min=1, help="Seconds per instance for install and tests (default 1800)."
    ),
    memory: str | None = typer.Option(None, "--memory", help="Memory limit of each sandbox (default 4g)."),
    cpus: float | None = typer.Option(None, "--cpus", help="CPU limit of each sandbox (default 2)."),
    packages_as_of: str = typer.Option(
        None,
        "--packages-as-of",
        help="Resolve environment packages as of this date at the earliest "
        "(ISO 8601; default 2024-01-01, SWE-bench's environments).",
    ),
    backend: str = typer.Option(None, "--sandbox", help="docker (default) or local (isolates nothing)."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Evaluate predictions: apply each patch and the test patch, run the tests in the sandbox, grade.

    Example: repowright eval swebench evaluate --dataset swebench-lite-dev.jsonl --predictions gold --run-id gold-dev
    --repos-dir repos
    """
    from repowright.analyzers.cache import cache_home
    from repowright.evals.swebench.cluster import describe_repos
    from repowright.evals.swebench.evaluate import EvalOptions, evaluate, limits_of
    from repowright.evals.swebench.instances import load_instances
    from repowright.evals.swebench.predictions import load_predictions
    from repowright.evals.swebench.specs import Specs

    from ..executor import make_executor, run_label
    from .common import sandbox_from

    run_id = _run_id(run_id)
    settings = settings_from_flags(
        sandbox__backend=backend,
        swebench__workers=workers,
        swebench__executor=executor,
        swebench__ray_address=ray_address,
        swebench__timeout=timeout,
        swebench__memory=memory,
        swebench__cpus=cpus,
        swebench__packages_as_of=packages_as_of,
        swebench__out=str(out) if out else None,
        swebench__cache_dir=str(cache_dir) if cache_dir else None,
    )
    cfg = settings.swebench
    out = Path(cfg.out).expanduser() if cfg.out else cache_home() / "swebench"
    instances = load_instances(dataset, instance_ids=_split(instance_ids), repos=_split(repo))
    if not instances:
        raise UserError(f"no instance of {dataset} matches the filters")
    problems: list[str] = []
    preds = load_predictions(predictions, instances, problems)
    for problem in problems:
        err_console.print(f"[yellow]skipped:[/] {escape(problem)}", highlight=False, soft_wrap=True)
    folder, url = describe_repos(repos_dir)
    opts = EvalOptions(
        run_id=run_id,
        out_dir=out.resolve(),
        cache_dir=env_cache_dir(cfg, out),
        repos_dir=folder,
        repos_url=url,
        workers=cfg.workers,
        timeout=cfg.timeout,
        limits=limits_of(cfg),
        specs=Specs(specs_file),
        env_build_timeout=cfg.env_build_timeout,
    )
    if cfg.packages_as_of:
        opts.packages_as_of = cfg.packages_as_of
    sandbox = sandbox_from(settings)
    runner = make_executor(
        cfg.executor,
        cfg.workers,
        cfg.ray_address,
        run_label=run_label(opts.out_dir / run_id),
        image=settings.sandbox.image,
    )
    with progress_bar() as bar, closing(runner):
        task = bar.add_task("evaluating", total=len(preds), last="")

        def done(iid: str, outcome: dict, cached: bool) -> None:
            bar.update(
                task, advance=1, last=f"{iid}: {outcome['status']}" + (" (earlier run)" if cached else "")
            )

        report, path = evaluate(instances, preds, opts, sandbox, on_done=done, executor=runner)
    if as_json:
        emit_json({**report, "report_path": str(path), "skipped_predictions": problems})
        return
    console.print(
        f"resolved {report['resolved_instances']} of {report['total_instances']} "
        f"(unresolved {report['unresolved_instances']}, empty patch {report['empty_patch_instances']}, "
        f"errors {report['error_instances']})"
    )
    for iid, error in report["repowright"]["errors"].items():
        console.print(f"  error {iid}: {error}", highlight=False)
    console.print(f"report: {path}")


@swebench_app.command("run")
def run_cmd(
    dataset: str = typer.Option(..., "--dataset", help=DATASET_HELP),
    out: Path = typer.Option(
        ..., "--out", help="Run folder: predictions.jsonl, run.json, one folder per instance."
    ),
    model: str = typer.Option(None, "--model", help="Model name at the endpoint (else the configured one)."),
    base_url: str = typer.Option(
        None, "--base-url", help="OpenAI-compatible endpoint (else the configured one)."
    ),
    repos_dir: Path = typer.Option(
        None, "--repos-dir", help="Folder of clones or bare mirrors named owner__name."
    ),
    instance_ids: list[str] = typer.Option(None, "--instance-ids", help=IDS_HELP),
    repo: list[str] = typer.Option(None, "--repo", help="Only instances of this repository (owner/name)."),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Instances solved at once (on all nodes; default 1)."
    ),
    executor: str | None = typer.Option(None, "--executor", help=EXECUTOR_HELP),
    ray_address: str | None = typer.Option(None, "--ray-address", help=RAY_ADDRESS_HELP),
    retry_errors: bool = typer.Option(
        False, "--retry-errors", help="Solve again the instances that errored."
    ),
    cache_dir: Path = typer.Option(None, "--cache-dir", help="Environment cache (default: OUT/envs)."),
    specs_file: Path = typer.Option(
        None, "--specs", help="JSON {repo: {version: spec}} added to SWE-bench's."
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Run `solve` on each instance and write predictions (official format); rerun to resume. Each instance's
    checks run in its specification's environment, built as `evaluate` builds it.

    Example: repowright eval swebench run --dataset swebench-lite-dev.jsonl --repos-dir repos --out runs/m1
    """
    from repowright.evals.swebench.envs import EnvCache, instance_environment
    from repowright.evals.swebench.instances import load_instances
    from repowright.evals.swebench.run import RunOptions, run
    from repowright.evals.swebench.specs import Specs

    from ..executor import make_executor, run_label
    from ..solver import default_solver

    repos = _repos_dir(repos_dir)
    instances = load_instances(dataset, instance_ids=_split(instance_ids), repos=_split(repo))
    if not instances:
        raise UserError(f"no instance of {dataset} matches the filters")
    settings = settings_from_flags(
        llm__model=model,
        llm__base_url=base_url,
        swebench__workers=workers,
        swebench__executor=executor,
        swebench__ray_address=ray_address,
        swebench__cache_dir=str(cache_dir) if cache_dir else None,
    )
    cfg = settings.swebench
    solver = default_solver()
    opts = RunOptions(
        out_dir=out.resolve(),
        model_name=settings.llm.model or "repowright",
        repos_dir=repos,
        workers=cfg.workers,
        retry_errors=retry_errors,
    )
    as_of = {"as_of": cfg.packages_as_of} if cfg.packages_as_of else {}
    envs = EnvCache(env_cache_dir(cfg, out), Specs(specs_file), build_timeout=cfg.env_build_timeout, **as_of)
    opts.environment = instance_environment(envs, opts.repos_dir)
    spent = {"prompt_tokens": 0, "completion_tokens": 0, "cost": 0.0}
    runner = make_executor(
        cfg.executor,
        cfg.workers,
        cfg.ray_address,
        run_label=run_label(opts.out_dir),
        image=settings.sandbox.image,
    )
    with progress_bar() as bar, closing(runner):
        task = bar.add_task("solving", total=len(instances), last="")

        def done(iid: str, outcome: dict, cached: bool) -> None:
            for key in spent:
                spent[key] += outcome.get("usage", {}).get(key, 0) or 0
            bar.update(
                task,
                advance=1,
                last=f"{iid}: {outcome['status']}"
                + (" (earlier run)" if cached else "")
                + f"; tokens {spent['prompt_tokens']} in, {spent['completion_tokens']} out; "
                f"cost ${spent['cost']:.4f}",
            )

        summary, predictions = run(instances, solver, settings, opts, on_done=done, executor=runner)
    if as_json:
        emit_json(summary)
        return
    console.print(
        f"solved {summary['solved']} of {summary['total_instances']} (no patch {summary['no_patch']}, "
        f"errors {summary['error']}); tokens {summary['prompt_tokens']} in, "
        f"{summary['completion_tokens']} out; cost ${summary['cost']:.4f}"
    )
    console.print(f"predictions: {predictions}")
