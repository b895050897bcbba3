"""`repowright map PATH`: build (or refresh) the repository knowledge graph and summarise it."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ..errors import UserError
from ..repo_graph import repository_graph
from .common import JSON_OPTION_HELP, console, emit_json, err_console, writable_file


def map_repository(
    path: Path = typer.Argument(..., help="The repository (or any folder) to map."),
    out: Path = typer.Option(None, "--out", help="Also write the whole graph to this file."),
    fmt: str = typer.Option("json", "--format", help="Format of --out: json (node-link) or graphml."),
    cache_dir: Path = typer.Option(
        None,
        "--cache-dir",
        help="Cache folder (default: the user cache, $XDG_CACHE_HOME/repowright/<repo-id>/graph).",
    ),
    workers: int = typer.Option(None, "--workers", help="Parallel parser processes (default: all cores)."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Map PATH into a knowledge graph of files, classes, functions and their imports, calls and inheritance.

    Example: repowright map examples/minicart --out minicart-graph.json
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    if not path.is_dir():
        raise UserError(f"{path} is not a directory; pass the repository folder to map")
    if fmt not in ("json", "graphml"):
        raise UserError(f"--format {fmt} is not known; use json or graphml")
    if out is not None:
        writable_file(out, "--out")
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        kg = repository_graph(path, cache_dir=cache_dir, workers=workers, progress=progress)
        if out is not None:
            kg.to_graphml(out) if fmt == "graphml" else kg.to_json(out)
    stats = kg.stats
    if as_json:
        emit_json(
            {
                key: stats[key]
                for key in ("files", "nodes", "edges", "skipped", "seconds", "cache_hits", "languages")
            }
        )
        return
    _print_summary(path, stats, out)


def _print_summary(path: Path, stats: dict, out: Path | None) -> None:
    console.print(
        f"[bold]{path}[/]: {stats['files']} files in {stats['seconds']:.2f} s "
        f"({stats['cache_hits']} from cache)"
    )
    table = Table(show_header=True, header_style="bold")
    table.add_column("files by language")
    table.add_column("", justify="right")
    table.add_column("nodes by kind")
    table.add_column("", justify="right")
    table.add_column("edges by kind")
    table.add_column("", justify="right")
    table.add_column("skipped")
    table.add_column("", justify="right")
    columns = [
        list(stats["languages"].items()),
        list(stats["nodes"].items()),
        list(stats["edges"].items()),
        list(stats["skipped"].items()),
    ]
    for row in range(max(len(c) for c in columns)):
        cells: list[str] = []
        for column in columns:
            key, value = column[row] if row < len(column) else ("", "")
            cells += [str(key), str(value)]
        table.add_row(*cells)
    console.print(table)
    if out is not None:
        console.print(f"graph written to {out}")
