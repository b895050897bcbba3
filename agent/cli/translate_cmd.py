"""`repowright translate`: migrate a C program to Rust (plan, verify, and the model-driven run)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from ..errors import UserError
from .common import (
    JSON_OPTION_HELP,
    console,
    emit_json,
    err_console,
    sandbox_from,
    settings_from_flags,
    writable_dir,
)

if TYPE_CHECKING:
    from ..config import Settings
    from ..translate.verify import Verifier

app = typer.Typer(
    help="Migrate a C program to Rust: dependency plan, equivalence check, translation loop.\n\n"
    "Example: repowright translate plan examples/c2rust/c",
    no_args_is_help=True,
)


SOURCES_HELP = "Comma-separated globs of the .c files that make the program (default: every .c file)."


def _sources(text: str | None) -> list[str] | None:
    return [s.strip() for s in text.split(",") if s.strip()] if text else None


def verifier_from(settings: Settings, **options: Any) -> Verifier:
    """The equivalence checker with the configured sandbox and [translate] limits."""
    from ..translate.verify import Verifier

    cfg = settings.translate
    return Verifier(
        sandbox_from(settings),
        timeout=cfg.case_timeout,
        build_timeout=cfg.build_timeout,
        float_tolerance=cfg.float_tolerance,
        **options,
    )


def _c_dir(path: Path) -> Path:
    if not path.is_dir():
        raise UserError(f"{path} is not a directory: give the folder holding the C sources")
    return path.resolve()


@app.command("plan")
def plan(
    c_dir: Path = typer.Argument(..., help="Folder of the C project."),
    sources: str | None = typer.Option(None, "--sources", help=SOURCES_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """List the C units (functions, globals, types, macros) in translation order, dependencies first.

    Example: repowright translate plan examples/c2rust/c
    """
    from repowright.analyzers.c_depgraph import build_c_depgraph

    root = _c_dir(c_dir)
    graph = build_c_depgraph(root, sources=_sources(sources))
    if not graph.units:
        raise UserError(f"{root} holds no C definitions (.c or .h files): check the path")
    data = graph.to_json()
    if as_json:
        emit_json(data)
        return
    table = Table(title=f"translation order for {root.name}", show_lines=False)
    for column in ("#", "unit", "kind", "lines", "size", "depends on"):
        table.add_column(column, overflow="fold")
    for step, component in enumerate(data["order"], 1):
        for uid in component:
            unit = graph.units[uid]
            deps = graph.depends_on(uid)
            shown = ", ".join(d.split("::", 1)[1] for d in deps[:4]) + (
                f" +{len(deps) - 4}" if len(deps) > 4 else ""
            )
            table.add_row(
                str(step),
                uid,
                unit.kind,
                f"{unit.start_line}-{unit.end_line}",
                str(unit.end_line - unit.start_line + 1),
                shown,
            )
    console.print(table)
    stats = data["stats"]
    console.print(
        f"{stats['units']} units in {stats['files']} files, {sum(stats['edges'].values())} edges, "
        f"{stats['components']} components (largest {stats['largest_component']})",
        highlight=False,
    )


@app.command("verify")
def verify(
    c: Path = typer.Option(..., "--c", help="Folder of the C program (every .c file is compiled)."),
    rust: Path = typer.Option(..., "--rust", help="Folder of the Rust crate (with Cargo.toml)."),
    cases: Path | None = typer.Option(
        None,
        "--cases",
        help="YAML/JSON cases: name, args, stdin, files. "
        "Default: cases.yaml beside the C sources, else one run without input.",
    ),
    float_tolerance: float | None = typer.Option(
        None,
        "--float-tolerance",
        help="Let printed numbers differ by this relative amount ([translate] float_tolerance).",
    ),
    no_stderr: bool = typer.Option(False, "--no-stderr", help="Do not compare standard error."),
    sources: str | None = typer.Option(None, "--sources", help=SOURCES_HELP),
    backend: str | None = typer.Option(None, "--sandbox", help="Sandbox backend: docker (default) or local."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Build the C program with gcc and the crate with cargo in the sandbox; compare them case by case.

    Example: repowright translate verify --c examples/c2rust/c --rust examples/c2rust/rust
    """
    from ..translate.verify import check_inputs, find_cases

    c_dir, crate = _c_dir(c), rust.resolve()
    check_inputs(c_dir, crate)
    case_list = find_cases(c_dir, cases)
    settings = settings_from_flags(sandbox__backend=backend, translate__float_tolerance=float_tolerance)
    out = err_console
    with (
        out.status("building and running in the sandbox"),
        verifier_from(settings, compare_stderr=not no_stderr, sources=_sources(sources)) as verifier,
    ):
        report = verifier.verify(c_dir, crate, case_list)
    if as_json:
        emit_json(report.to_json())
    else:
        _print_report(report)
    if not report.equivalent:
        raise typer.Exit(1)


def _print_report(report) -> None:
    if report.build.errors:
        console.print(report.build.errors, markup=False, highlight=False)
    for case in report.cases:
        mark = "[green]equal[/]" if case.equal else "[red]differs[/]"
        console.print(f"{mark}  {case.name}", highlight=False)
        if case.diff:
            console.print(case.diff, markup=False, highlight=False)
    passed = sum(c.equal for c in report.cases)
    verdict = "[bold green]equivalent[/]" if report.equivalent else "[bold red]not equivalent[/]"
    console.print(f"{verdict}: {passed}/{len(report.cases)} cases equal", highlight=False)


@app.command("run")
def run(
    c_dir: Path = typer.Argument(..., help="Folder of the C program."),
    out: Path = typer.Option(
        ..., "--out", help="Folder to write the Rust crate (and translation-report.json)."
    ),
    cases: Path | None = typer.Option(None, "--cases", help="YAML/JSON cases for the equivalence check."),
    model: str | None = typer.Option(None, "--model", help="Model name (default: configuration)."),
    base_url: str | None = typer.Option(None, "--base-url", help="OpenAI-compatible endpoint."),
    max_fix_rounds: int | None = typer.Option(
        None, "--max-fix-rounds", min=0, help="Compiler-feedback rounds per component (default 3)."
    ),
    max_repairs: int | None = typer.Option(
        None, "--max-repairs", min=0, help="Retranslations after a divergence (default 3)."
    ),
    sources: str | None = typer.Option(None, "--sources", help=SOURCES_HELP),
    backend: str | None = typer.Option(None, "--sandbox", help="Sandbox backend: docker (default) or local."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Translate the C program unit by unit with the model, verify it, and write the crate and a report.

    Example: repowright translate run examples/c2rust/c --out stats-rs --max-fix-rounds 3
    """
    from rich.progress import Progress

    from ..llm import llm_from_settings
    from ..translate.loop import LoopConfig
    from ..translate.pipeline import translate_project
    from ..translate.verify import find_cases

    root = _c_dir(c_dir)
    writable_dir(out, "--out")  # checked, like the cases, before the first model call
    case_list = find_cases(root, cases)
    settings = settings_from_flags(
        llm__model=model,
        llm__base_url=base_url,
        sandbox__backend=backend,
        translate__max_fix_rounds=max_fix_rounds,
        translate__max_repairs=max_repairs,
    )
    cfg = settings.translate
    llm = llm_from_settings(settings)
    out_console = err_console if as_json else console
    with (
        Progress(console=err_console, transient=True) as progress,
        verifier_from(settings, sources=_sources(sources)) as verifier,
    ):
        task = progress.add_task("translating", total=None)
        result = translate_project(
            root,
            out.resolve(),
            llm,
            verifier,
            case_list,
            config=LoopConfig(
                max_fix_rounds=cfg.max_fix_rounds, max_repairs=cfg.max_repairs, max_tokens=cfg.max_tokens
            ),
            progress=lambda text: progress.update(task, description=text),
        )
    if as_json:
        emit_json(result)
    else:
        metrics = result["metrics"]
        for key, value in metrics.items():
            out_console.print(f"{key}: {value}", highlight=False)
        out_console.print(f"crate written to {result['crate']}", highlight=False)
    if not result["metrics"]["equivalent"]:
        raise typer.Exit(1)
