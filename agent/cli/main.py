"""The `repowright` command: one entry point, one sub-command module per capability."""

from __future__ import annotations

import signal
import sys

import typer
from rich.markup import escape

from ..errors import UserError
from ..secrets import Scrubber
from . import (
    action_cmd,
    config_cmd,
    constraints_cmd,
    eval_cmd,
    fuzz_cmd,
    locate_cmd,
    map_cmd,
    sandbox_cmd,
    serve_cmd,
    solve_cmd,
    trajectory_cmd,
    translate_cmd,
)
from .common import err_console, set_verbose, split_verbosity, state

app = typer.Typer(
    name="repowright",
    help="Understand whole code repositories and act on them.\n\nExample: repowright locate examples/minicart --issue-file "
    "examples/minicart-issue.md",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
)
# Each capability registers its commands here, one line each.
app.command("map")(map_cmd.map_repository)
app.command("locate")(locate_cmd.locate_issue)
app.command("solve")(solve_cmd.solve)
app.add_typer(translate_cmd.app, name="translate")
app.command("constraints")(constraints_cmd.constraints)
app.command("fuzz")(fuzz_cmd.fuzz)
app.add_typer(sandbox_cmd.app, name="sandbox")
app.add_typer(config_cmd.app, name="config")
app.command("serve")(serve_cmd.serve)
app.add_typer(eval_cmd.app, name="eval")
app.command("action")(action_cmd.action)
app.add_typer(trajectory_cmd.app, name="trajectory")


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            print(f"repowright {version('repowright')}")
        except PackageNotFoundError:  # running from a source tree that was never installed
            print("repowright (not installed)")
        raise typer.Exit()


@app.callback()
def root(
    verbose: int = typer.Option(
        0,
        "--verbose",
        "-v",
        count=True,
        help="Log repowright's progress and show tracebacks (-vv: libraries' logs "
        "too); accepted after the subcommand as well.",
    ),
    show_version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    set_verbose(verbose)


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds `with` blocks, so sandboxes are removed


def _scrubber() -> Scrubber:
    """The configured secrets, so an error that quotes one (a server echoing the key) is printed without it."""
    try:
        from ..config import load_settings

        return Scrubber.from_environment(load_settings().llm.api_key)
    except Exception:  # a broken config file is reported elsewhere; the environment's secrets still count
        return Scrubber.from_environment()


def _error_line(exc: BaseException) -> str:
    return escape(_scrubber().text(str(exc)))


def _expected(exc: Exception) -> bool:
    """Whether `exc` is a failure users are told about in one line: a UserError, or a SandboxError (which can
    only have been raised if the sandbox package was imported, so --help need not import it to check)."""
    sandbox = sys.modules.get("repowright.sandbox.errors")
    return isinstance(exc, UserError) or (sandbox is not None and isinstance(exc, sandbox.SandboxError))


def main() -> None:
    """Console entry point: run the app, turning expected failures into one-line errors."""
    signal.signal(signal.SIGTERM, _terminate)
    level, args = split_verbosity(sys.argv[1:])
    set_verbose(level)
    try:
        app(args=args, prog_name="repowright")
    except KeyboardInterrupt:
        err_console.print("[bold red]interrupted[/]", highlight=False)
        sys.exit(130)
    except Exception as exc:
        if state["verbose"]:
            err_console.print_exception()
        if _expected(exc):
            err_console.print(f"[bold red]error:[/] {_error_line(exc)}", highlight=False, soft_wrap=True)
            sys.exit(getattr(exc, "exit_code", 2))
        err_console.print(  # an unexpected bug: still one line unless -v
            f"[bold red]error:[/] {type(exc).__name__}: {_error_line(exc)} (run with -v for the traceback)",
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
