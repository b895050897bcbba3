"""`repowright locate PATH --issue TEXT`: rank the files and functions an issue is most likely about."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from ..errors import UserError
from .common import JSON_OPTION_HELP, console, emit_json, err_console, read_text_file, settings_from_flags

if TYPE_CHECKING:
    from ..config_sections import LocateConfig


def locate_issue(
    path: Path = typer.Argument(..., help="The repository to search."),
    issue: str = typer.Option(None, "--issue", help="The issue text."),
    issue_file: Path = typer.Option(None, "--issue-file", help="A file holding the issue text."),
    top: int | None = typer.Option(
        None, "--top", min=1, help="How many files and functions to list ([locate] top)."
    ),
    simulations: int | None = typer.Option(
        None, "--simulations", min=0, help="MCTS simulations after the learned ranking (0: rank only)."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Seed of the search (same seed, same result)."),
    use_model: bool | None = typer.Option(
        None,
        "--model/--no-model",
        help="Let the model judge relevance (default: when an endpoint is configured).",
    ),
    max_model_calls: int | None = typer.Option(
        None, "--max-model-calls", min=0, help="Budget of model judgements ([locate] max_model_calls)."
    ),
    cache_dir: Path = typer.Option(
        None,
        "--cache-dir",
        help="Graph cache folder (default: the user cache, $XDG_CACHE_HOME/repowright/<repo-id>/graph).",
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Locate ISSUE in PATH: ranked files and functions with a score and a one-line reason each.

    Example: repowright locate examples/minicart --issue-file examples/minicart-issue.md --top 3
    """
    if not path.is_dir():
        raise UserError(f"{path} is not a directory; pass the repository folder to search")
    if (issue is None) == (issue_file is None):
        raise UserError("give the issue with exactly one of --issue TEXT or --issue-file FILE")
    if issue_file is not None:
        issue = read_text_file(issue_file, "--issue-file")
    assert issue is not None
    if not issue.strip():
        raise UserError("the issue text is empty; describe the problem to locate")
    settings = settings_from_flags(
        locate__top=top,
        locate__simulations=simulations,
        locate__seed=seed,
        locate__use_model=use_model,
        locate__max_model_calls=max_model_calls,
    )
    cfg = settings.locate
    llm = None
    if cfg.use_model or (cfg.use_model is None and settings.llm.base_url):
        from ..llm import llm_from_settings

        llm = llm_from_settings(settings)
    from repowright.analyzers.graph import without_gc

    # The cycle collector stays off for the whole command: re-enabled between the graph and the output, its
    # first pass walked every object of the graph just built (on sympy, hundreds of thousands) for no garbage.
    with without_gc():
        _locate_and_print(path, issue, cfg, llm, cache_dir, as_json)


def _locate_and_print(
    path: Path, issue: str, cfg: LocateConfig, llm: Any, cache_dir: Path | None, as_json: bool
) -> None:
    """Map `path`, locate `issue` in it and print the result (a table, or JSON)."""
    from ..locate import locate
    from ..repo_graph import graph_cache_folder, repository_graph

    with err_console.status("mapping and searching the repository"):
        folder = graph_cache_folder(path, cache_dir)
        kg = repository_graph(path, cache_dir=folder)
        found = locate(kg, issue, cfg, llm=llm, cache_dir=folder)
    if as_json:
        emit_json(found.to_dict())
        return
    for title, rows in (
        ("files", [(f.path, f.score, f.reason) for f in found.files]),
        (
            "functions",
            [(f"{f.path}:{f.start_line}-{f.end_line} {f.name}", f.score, f.reason) for f in found.functions],
        ),
    ):
        table = Table(title=title, title_justify="left", show_header=True, header_style="bold")
        table.add_column("#", justify="right")
        table.add_column("location")
        table.add_column("score", justify="right")
        table.add_column("why")
        for rank, (where, score, why) in enumerate(rows, 1):
            table.add_row(str(rank), where, f"{score:.3f}", why)
        console.print(table)
