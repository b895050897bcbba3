"""`repowright sandbox ...`: check the engine, run a command in isolation, clean up leftovers."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import typer

from .common import JSON_OPTION_HELP, console, emit_json, settings_from_flags

if TYPE_CHECKING:
    from repowright.sandbox import ExecResult, Limits

app = typer.Typer(help="Check and use the sandbox that runs all untrusted code.", no_args_is_help=True)

BACKEND_HELP = "docker (isolated, the default) or local (runs on this machine, isolates nothing)."
# Escape sequences (CSI, OSC, DCS and other ESC forms) and control bytes other than tab and newline:
# sandboxed output must not be able to retitle, recolour, rewrite or query the user's terminal.
_TERMINAL_CONTROLS = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -/]*[0-~]?"
    rb"|\xc2\x9b[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f]"
)


def strip_terminal_controls(data: bytes) -> bytes:
    """`data` without terminal escape sequences and control bytes (tab and newline kept)."""
    return _TERMINAL_CONTROLS.sub(b"", data.replace(b"\r\n", b"\n"))


def write_output(data: bytes, stream: BinaryIO, is_tty: bool) -> None:
    """Sandboxed output as it was (binary safe) into a pipe or file; sanitized onto a terminal."""
    stream.write(strip_terminal_controls(data) if is_tty else data)
    stream.flush()


def limits_from(cfg) -> Limits:
    """The sandbox limits of the effective configuration (validated: a bad one is a one-line error)."""
    from repowright.sandbox import Limits

    return Limits(timeout=cfg.timeout, memory=cfg.memory, cpus=cfg.cpus, pids=cfg.pids, network=cfg.network)


@app.command("check")
def check(
    backend: str = typer.Option(None, "--sandbox", help=BACKEND_HELP),
    network: str = typer.Option(None, "--network", help="Check with this network setting (none or host)."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Start a sandbox and report the isolation found inside it (exit 1 when any part does not hold).

    Example: repowright sandbox check --json
    """
    from repowright.sandbox import make_sandbox

    settings = settings_from_flags(sandbox__backend=backend, sandbox__network=network)
    sandbox = make_sandbox(settings.sandbox.backend, image=settings.sandbox.image)
    report = sandbox.check(limits_from(settings.sandbox))
    isolated = report.get("isolated", False)
    if as_json:
        emit_json(report)
    else:
        verdict = "[bold green]sandbox ok[/]" if isolated else "[bold red]sandbox NOT isolated[/]"
        console.print(
            f"{verdict}: {report['backend']} backend"
            + (f", engine {report['engine_version']}, image {report['image']}" if "image" in report else ""),
            soft_wrap=True,
        )
        if isinstance(report["isolation"], dict):
            for name, item in report["isolation"].items():
                console.print(
                    f"  {'ok  ' if item['ok'] else 'FAIL'} {name}: {item['found']}",
                    highlight=False,
                    soft_wrap=True,
                    markup=False,
                )
        else:
            console.print(f"isolation: {report['isolation']}")
        console.print(f"start + exec + remove: {report['start_exec_remove_seconds']:.3f} s")
    if not isolated:
        raise typer.Exit(1)


@app.command("run", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def run(
    cmd: list[str] = typer.Argument(..., help="The command and its arguments, after `--`."),
    timeout: float = typer.Option(None, "--timeout", help="Seconds before the command is killed (exit 124)."),
    memory: str = typer.Option(
        None, "--memory", help="Memory limit, e.g. 512m or 2g (exit 137 when exceeded)."
    ),
    cpus: float = typer.Option(None, "--cpus", help="CPU limit in cores."),
    network: str = typer.Option(None, "--network", help="none (default) or host."),
    workdir: Path = typer.Option(Path("."), "--workdir", help="Directory copied into the sandbox's /work."),
    backend: str = typer.Option(None, "--sandbox", help=BACKEND_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Run CMD in the sandbox with WORKDIR copied in; exit with CMD's exit code.

    Example: repowright sandbox run --timeout 5 -- python3 -c "print(1)"
    """
    from repowright.sandbox import make_sandbox

    from ..errors import UserError

    settings = settings_from_flags(
        sandbox__timeout=timeout,
        sandbox__memory=memory,
        sandbox__cpus=cpus,
        sandbox__network=network,
        sandbox__backend=backend,
    )
    if workdir.is_symlink():
        raise UserError(
            f"--workdir {workdir} is a symbolic link; pass the directory it points to "
            f"({workdir.resolve()}) so it is clear what is copied in"
        )
    if not workdir.is_dir():
        raise UserError(f"--workdir {workdir} is not a directory; pass an existing directory to copy in")
    cfg = settings.sandbox
    limits = limits_from(cfg)
    result = make_sandbox(cfg.backend, image=cfg.image).run(cmd, src=workdir, limits=limits)
    if as_json:
        emit_json(result.to_dict())
    else:
        print_result(result, cfg)
    raise typer.Exit(result.exit_code)


def print_result(result: ExecResult, cfg) -> None:
    """The command's own output bytes on stdout and stderr, then repowright's note on how it ended."""
    write_output(result.stdout_bytes or result.stdout.encode(), sys.stdout.buffer, sys.stdout.isatty())
    write_output(result.stderr_bytes or result.stderr.encode(), sys.stderr.buffer, sys.stderr.isatty())
    if result.timed_out:
        typer.echo(f"repowright: timed out after {cfg.timeout:g} s and was killed", err=True)
    elif result.oom_killed:
        typer.echo(f"repowright: killed for exceeding the memory limit ({cfg.memory})", err=True)


@app.command("clean")
def clean(as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP)) -> None:
    """Remove sandbox containers whose repowright process is gone; live runs are kept.

    Example: repowright sandbox clean
    """
    from repowright.sandbox.docker_sandbox import DockerSandbox

    counts = DockerSandbox().prune()
    if as_json:
        emit_json(counts)
    else:
        console.print(
            f"removed {counts['removed']} leftover sandbox container(s); "
            f"kept {counts['kept']} whose process is still running"
        )
