"""`repowright fuzz`: a documentation-guided fuzzing campaign over library APIs, run in the sandbox."""

from __future__ import annotations

import gc
from contextlib import closing
from pathlib import Path

import typer

from ..errors import UserError
from ..executor import EXECUTOR_HELP, RAY_ADDRESS_HELP
from .common import JSON_OPTION_HELP, console, emit_json, err_console, settings_from_flags

PHASES = {
    "constraints": "extracting constraints",
    "inputs": "running inputs",
    "reproducers": "reducing + verifying",
}


def fuzz(
    targets: list[str] = typer.Argument(..., help="APIs or modules, e.g. torch.nn.functional torch.clamp"),
    inputs_per_api: int | None = typer.Option(
        None, "--inputs-per-api", min=1, help="Inputs generated per API ([fuzz] inputs_per_api, default 30)."
    ),
    time_budget: float = typer.Option(
        None,
        "--time-budget",
        min=1,
        help="Stop running inputs after S seconds "
        "(over all resumed runs); findings and reports are still written.",
    ),
    workers: int | None = typer.Option(
        None,
        "--workers",
        min=1,
        help="Batches of inputs run at once, each in its own sandbox container (on all nodes; default 2).",
    ),
    memory: str | None = typer.Option(
        None, "--memory", help="Memory limit of each sandbox container (default 4g)."
    ),
    batch_size: int | None = typer.Option(
        None, "--batch-size", min=1, help="Inputs per batch (one Ray task each; default 200)."
    ),
    executor: str | None = typer.Option(None, "--executor", help=EXECUTOR_HELP),
    ray_address: str | None = typer.Option(None, "--ray-address", help=RAY_ADDRESS_HELP),
    seed: int = typer.Option(0, "--seed", help="Seed of input generation (same seed, same inputs)."),
    timeout: float | None = typer.Option(
        None, "--timeout", min=0.5, help="Seconds per input before it counts as a hang (default 10)."
    ),
    out: Path = typer.Option(
        None,
        "--out",
        help="Campaign directory (default: the user cache, fuzz/<targets>-seed<S>); "
        "run again with the same arguments to resume.",
    ),
    library: str | None = typer.Option(None, "--library", help="Library adapter (torch)."),
    model: bool = typer.Option(
        False,
        "--model",
        help="Also ask the configured model for constraints the rules "
        "miss (kept only when it quotes the documentation).",
    ),
    backend: str = typer.Option(None, "--sandbox", help="docker (default) or local (isolates nothing)."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Extract constraints, generate conforming/violating/boundary inputs, run each in its own process in the
    sandbox, and report crashes, internal asserts, hangs and documentation inconsistencies with reproducers.

    Example: repowright fuzz torch.nn.functional.max_pool1d torch.clamp --inputs-per-api 60 --time-budget 45
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    from repowright.analyzers.cache import cache_home

    from ..executor import make_executor, run_label
    from ..fuzz.adapters import library_adapter
    from ..fuzz.campaign import Campaign, CampaignConfig
    from ..fuzz.executor import ExecConfig
    from .common import sandbox_from

    settings = settings_from_flags(
        sandbox__backend=backend,
        fuzz__inputs_per_api=inputs_per_api,
        fuzz__workers=workers,
        fuzz__memory=memory,
        fuzz__batch_size=batch_size,
        fuzz__executor=executor,
        fuzz__ray_address=ray_address,
        fuzz__timeout=timeout,
        fuzz__library=library,
    )
    cfg = settings.fuzz
    adapter = library_adapter(cfg.library)
    if model:
        from ..llm import llm_from_settings

        adapter.llm = llm_from_settings(settings)
    apis = adapter.enumerate_many(targets)
    directory = out or cache_home() / "fuzz" / default_name(targets, seed)
    if directory.exists() and not directory.is_dir():
        raise UserError(f"--out {directory} is a file; give a directory")
    config = CampaignConfig(
        apis=apis,
        inputs_per_api=cfg.inputs_per_api,
        seed=seed,
        workers=cfg.workers,
        time_budget=time_budget,
        timeout=cfg.timeout,
        batch_size=cfg.batch_size,
        library=cfg.library,
        verify_limit=cfg.verify_limit,
        quick_timeout=cfg.quick_timeout,
    )
    runner = make_executor(
        cfg.executor,
        cfg.workers,
        cfg.ray_address,
        run_label=run_label(directory),
        image=settings.sandbox.image,
    )
    campaign = Campaign(
        directory,
        config,
        adapter,
        sandbox_from(settings),
        ExecConfig(timeout=cfg.timeout, container_memory=cfg.memory),
        executor=runner,
    )
    bar_console = err_console
    with (
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=bar_console,
            transient=False,
        ) as bar,
        closing(runner),
    ):
        tasks: dict[str, TaskID] = {}

        def progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(PHASES.get(phase, phase), total=total)
            bar.update(tasks[phase], completed=done, total=total)

        try:
            summary = campaign.run(progress)
        except KeyboardInterrupt:
            bar.stop()
            err_console.print(
                f"[bold red]interrupted[/]: finished inputs are kept in {directory}; run the same "
                "command again to resume",
                highlight=False,
                soft_wrap=True,
            )
            gc.freeze()  # skip collecting torch's object graph at exit: seconds on a small machine
            raise typer.Exit(130) from None
    if as_json:
        import json

        summary["findings_list"] = json.loads((directory / "findings.json").read_text())
        emit_json(summary)
        return
    print_summary(summary, directory)


def default_name(targets: list[str], seed: int) -> str:
    """`torch.nn.functional-seed0`, or the first target plus a count when there are several."""
    first = Path(targets[0]).stem if targets[0].endswith(".py") else targets[0]
    more = f"+{len(targets) - 1}" if len(targets) > 1 else ""
    return f"{first}{more}-seed{seed}"


def finding_line(finding: dict) -> str:
    """One finding as plain text (printed with markup off: messages and `[repro/...]` are data)."""
    mark = {True: "verified", False: "NOT verified", None: "unchecked"}[finding["verified"]]
    return f"  {finding['cls']:18} {finding['api']:40} {finding['detail'][:90]}  [{finding['reproducer']}, {mark}]"


def print_summary(summary: dict, directory: Path) -> None:
    import json

    console.print(
        f"[bold]{summary['inputs']}[/] inputs on {summary['apis_run']} APIs in {summary['seconds']} s "
        f"({summary['execs_per_second']} execs/s); {summary['findings']} findings, "
        f"{summary['distinct_crashes']} crash/assert/hang on {len(summary['crashing_apis'])} APIs; "
        f"{summary['reproducers_verified']}/{summary['reproducers_checked']} reproducers verified; "
        f"{summary.get('rejected', 0)} conforming inputs rejected by the library "
        f"(on {len(summary.get('rejected_by_api', {}))} APIs, not findings)"
    )
    for finding in json.loads((directory / "findings.json").read_text()):
        console.print(finding_line(finding), markup=False, highlight=False, soft_wrap=True)
    if summary["stopped_by_budget"]:
        console.print("stopped by --time-budget: run again with a larger budget to resume")
    elif not summary["complete"]:
        console.print("campaign incomplete: run the same command again to resume")
    console.print(f"report: {directory / 'report.md'} (and report.html)")
