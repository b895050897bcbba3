"""`repowright action`: the GitHub Action's entry point (see action.yml)."""

from __future__ import annotations

import os

import typer

from .common import JSON_OPTION_HELP, console, emit_json, settings_from_flags


def action(
    label: str = typer.Option(
        "repowright", "--label", envvar="REPOWRIGHT_ACTION_LABEL", help="The issue label that starts a run."
    ),
    output: str = typer.Option(
        "pr",
        "--output",
        envvar="REPOWRIGHT_ACTION_OUTPUT",
        help="pr (open a pull request) or comment (post the diff on the issue).",
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Solve the issue of this workflow's event (issue labelled, or `/repowright solve` by a maintainer).

    Example: repowright action --output comment   (inside a workflow: GITHUB_EVENT_PATH, GITHUB_TOKEN)
    """
    from ..action.run import run_action
    from ..solver import default_solver

    settings = settings_from_flags()

    def solver(*args):  # loaded only when the event asks for a solve
        return default_solver()(*args)

    outcome = run_action(os.environ, solver, settings, label=label, output=output)
    if as_json:
        emit_json(outcome.__dict__)
    elif not outcome.acted:
        console.print(f"nothing to do: {outcome.reason}", highlight=False)
    else:
        console.print(f"{outcome.status}: {outcome.url}", highlight=False)
    if outcome.status == "failed":
        raise typer.Exit(1)
