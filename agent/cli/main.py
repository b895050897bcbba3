"""The `repowright` command: one entry point, one sub-command module per capability."""

from __future__ import annotations

import signal
import sys

import typer

from repowright.sandbox import SandboxError

from ..errors import UserError
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
from .common import err_console, set_verbose, state

app = typer.Typer(
    name="repowright",
    help="Understand whole code repositories and act on them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
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


@app.callback()
def root(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress and show tracebacks.")) -> None:
    set_verbose(verbose)


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds `with` blocks, so sandboxes are removed


def main() -> None:
    """Console entry point: run the app, turning expected failures into one-line errors."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        app()
    except (UserError, SandboxError) as exc:
        if state["verbose"]:
            err_console.print_exception()
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(getattr(exc, "exit_code", 2))
    except KeyboardInterrupt:
        err_console.print("[bold red]interrupted[/]")
        sys.exit(130)
    except Exception as exc:  # an unexpected bug: still one line unless -v
        if state["verbose"]:
            err_console.print_exception()
        err_console.print(f"[bold red]error:[/] {type(exc).__name__}: {exc} (run with -v for the traceback)",
                          highlight=False, soft_wrap=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
