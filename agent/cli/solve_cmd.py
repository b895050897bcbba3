"""`repowright solve`: resolve an issue in a repository and write a validated patch, trajectory and report."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import typer
from rich.markup import escape

from ..errors import UserError, require_endpoint
from .common import (
    JSON_OPTION_HELP,
    console,
    emit_json,
    err_console,
    read_text_file,
    settings_from_flags,
    writable_dir,
)


def _issue_text(issue: str | None, issue_file: Path | None, github: str | None) -> str:
    given = [x for x in (issue, issue_file, github) if x is not None]
    if len(given) != 1:
        raise UserError("give exactly one of --issue TEXT, --issue-file FILE or --github owner/repo#N")
    if issue is not None:
        return issue
    if issue_file is not None:
        return read_text_file(issue_file, "--issue-file")
    assert github is not None
    from ..solve.github import fetch_issue

    return fetch_issue(github)


def solve(
    path: Path = typer.Argument(
        ..., help="The repository checkout to work on (it is copied into the sandbox)."
    ),
    issue: str | None = typer.Option(None, "--issue", help="The issue text."),
    issue_file: Path | None = typer.Option(None, "--issue-file", help="A file holding the issue text."),
    github: str | None = typer.Option(
        None, "--github", help="Fetch the issue from GitHub: owner/repo#N (GITHUB_API_URL, GITHUB_TOKEN)."
    ),
    model: str | None = typer.Option(None, "--model", help="Model name on the endpoint (REPOWRIGHT_MODEL)."),
    base_url: str | None = typer.Option(
        None, "--base-url", help="OpenAI-compatible endpoint (REPOWRIGHT_BASE_URL)."
    ),
    samples: int | None = typer.Option(
        None,
        "--samples",
        min=1,
        max=16,
        help="Candidate patches to generate; the one passing most checks is chosen ([solve] samples, default 1).",
    ),
    parallel: int | None = typer.Option(
        None,
        "--parallel",
        min=1,
        max=16,
        help="Candidates run at once, each in its own sandbox, within one budget ([solve] parallel, default 1).",
    ),
    test_cmd: str | None = typer.Option(
        None,
        "--test-cmd",
        help="Command that runs the tests in the sandbox "
        "(overrides discovery of tests touching the changed code).",
    ),
    apply: bool = typer.Option(
        False, "--apply", help="Apply the chosen patch to PATH (otherwise PATH is untouched)."
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Output folder (default: the user cache, $XDG_CACHE_HOME/repowright/<repo-id>/runs/<id>/); "
        "a run killed part way continues from its last completed steps when rerun with the same --out.",
    ),
    sandbox: str | None = typer.Option(
        None, "--sandbox", help="docker (default) or local (isolates nothing)."
    ),
    max_steps: int | None = typer.Option(
        None, "--max-steps", min=1, help="Tool-loop turns per candidate (default 40)."
    ),
    max_model_calls: int | None = typer.Option(
        None, "--max-model-calls", min=1, help="Model calls in the whole run (default 120)."
    ),
    max_tokens: int | None = typer.Option(
        None, "--max-tokens", min=1, help="Prompt + completion tokens in the whole run (default 2,000,000)."
    ),
    max_seconds: float | None = typer.Option(
        None, "--max-seconds", min=1, help="Wall time of the run (default 1800)."
    ),
    env: str = typer.Option(
        "auto",
        "--env",
        help="The Python environment the checks run in: auto (built from "
        "the repository's dependency files, cached), none (repowright's own), or the path "
        "of an existing virtualenv.",
    ),
    setup: str | None = typer.Option(
        None,
        "--setup",
        help="A command that installs the repository's "
        "dependencies into the environment (e.g. 'python -m pip install -e .[test]'); "
        "it runs in the sandbox with the network on for that step only; cached.",
    ),
    include_secrets: bool = typer.Option(
        False,
        "--include-secrets",
        help="Also copy secret files (.env*, *.pem, "
        "*.key, id_*, .netrc, .pypirc, credentials) into the sandbox, where "
        "the model can read them.",
    ),
    json_out: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Resolve an issue: explore the code graph, plan, edit in a sandbox, validate, and write patch.diff.

    Example: repowright solve examples/minicart --issue-file examples/minicart-issue.md --max-seconds 600
    """
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from repowright.analyzers.cache import repository_cache_dir

    from ..solve import solve_issue  # langgraph is slow to import: only when this command runs

    settings = settings_from_flags(
        llm__model=model,
        llm__base_url=base_url,
        sandbox__backend=sandbox,
        solve__samples=samples,
        solve__parallel=parallel,
        solve__test_command=test_cmd,
        solve__setup=setup,
        solve__max_steps=max_steps,
        solve__max_model_calls=max_model_calls,
        solve__max_tokens=max_tokens,
        solve__max_seconds=max_seconds,
    )
    require_endpoint(settings.llm.base_url, settings.llm.model)
    if not path.is_dir():
        raise UserError(f"{path} is not a directory; give the path of a repository checkout")
    text = _issue_text(issue, issue_file, github)
    run_id = time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:6]
    out_dir = writable_dir(out or repository_cache_dir(path) / "runs" / run_id, "--out")
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("starting", total=None)
        try:
            result = solve_issue(
                path,
                text,
                settings,
                out_dir,  # budget, samples, parallel, test command and setup come from settings
                apply=apply,
                include_secrets=include_secrets,
                env=env,
                progress=lambda message: bar.update(task, description=message),
            )
        except KeyboardInterrupt:
            err_console.print(
                f"[bold red]interrupted[/]: the trajectory and report so far are in {out_dir}",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(130) from None
    if json_out:
        emit_json(result.to_dict())
    else:
        _print_summary(result, apply)
    if result.status == "error":
        raise typer.Exit(1)
    if result.status == "unverified":
        raise typer.Exit(UNVERIFIED_EXIT)


UNVERIFIED_EXIT = 3  # a patch, but no test could check it: scripts must not take it for a verified fix


def _print_summary(result, apply: bool) -> None:
    marks = {True: "[green]passed[/]", False: "[red]failed[/]", None: "[dim]not run[/]"}
    colour = {"patched": "green", "unverified": "yellow", "no_patch": "yellow"}.get(result.status, "red")
    console.print(
        f"[bold {colour}]{result.status}[/] in {result.seconds:.1f} s, {result.tokens['calls']} model "
        f"calls, {result.tokens['total_tokens']} tokens"
    )
    if result.reason:
        console.print(f"  why unverified: {result.reason}", highlight=False, markup=False)
    environment = result.environment or {}
    if environment:
        where = environment.get("venv") or "repowright's own interpreter"
        console.print(f"  environment: {environment.get('mode')} ({where})", highlight=False, markup=False)
    for name, value in result.checks.items():
        problem = result.environment_errors.get(name)
        console.print(f"  {name}: " + (f"[yellow]{escape(problem)}[/]" if problem else marks[value]))
    if result.error:
        console.print(f"  error: {result.error}", highlight=False)
    console.print(
        f"patch: {result.out_dir / 'patch.diff'}"
        + ("  (applied to the checkout)" if apply and result.patched else "")
    )
    console.print(f"report: {result.out_dir / 'report.html'}")
    console.print(f"trajectory: {result.out_dir / 'trajectory.jsonl'}")
