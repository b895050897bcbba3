"""`repowright sandbox ...`: check the engine, run a command in isolation, clean up leftovers."""

from __future__ import annotations

from pathlib import Path

import typer

from repowright.sandbox import Limits, make_sandbox

from .common import JSON_OPTION_HELP, console, emit_json, settings_from_flags

app = typer.Typer(help="Check and use the sandbox that runs all untrusted code.", no_args_is_help=True)

BACKEND_HELP = "docker (isolated, the default) or local (runs on this machine, isolates nothing)."


@app.command("check")
def check(
    backend: str = typer.Option(None, "--sandbox", help=BACKEND_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Say whether the engine answers, which isolation is in force, and how long a container takes."""
    settings = settings_from_flags(sandbox__backend=backend)
    report = make_sandbox(settings.sandbox.backend, image=settings.sandbox.image).check()
    if as_json:
        emit_json(report)
        return
    console.print(f"[bold green]sandbox ok[/]: {report['backend']} backend"
                  + (f", engine {report['engine_version']}, image {report['image']}" if "image" in report else ""))
    console.print(f"isolation: {report['isolation']}")
    console.print(f"start + exec + remove: {report['start_exec_remove_seconds']:.3f} s")


@app.command("run", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def run(
    cmd: list[str] = typer.Argument(..., help="The command and its arguments, after `--`."),
    timeout: float = typer.Option(None, "--timeout", help="Seconds before the command is killed (exit 124)."),
    memory: str = typer.Option(None, "--memory", help="Memory limit, e.g. 512m or 2g (exit 137 when exceeded)."),
    cpus: float = typer.Option(None, "--cpus", help="CPU limit in cores."),
    network: str = typer.Option(None, "--network", help="none (default) or host."),
    workdir: Path = typer.Option(Path("."), "--workdir", help="Directory copied into the sandbox's /work."),
    backend: str = typer.Option(None, "--sandbox", help=BACKEND_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Run CMD in the sandbox with WORKDIR copied in; exit with CMD's exit code."""
    from ..errors import UserError

    settings = settings_from_flags(sandbox__timeout=timeout, sandbox__memory=memory, sandbox__cpus=cpus,
                                   sandbox__network=network, sandbox__backend=backend)
    if not workdir.is_dir():
        raise UserError(f"--workdir {workdir} is not a directory; pass an existing directory to copy in")
    cfg = settings.sandbox
    limits = Limits(timeout=cfg.timeout, memory=cfg.memory, cpus=cfg.cpus, pids=cfg.pids, network=cfg.network)
    result = make_sandbox(cfg.backend, image=cfg.image).run(cmd, src=workdir, limits=limits)
    if as_json:
        emit_json(result.to_dict())
    else:
        print(result.stdout, end="")
        typer.echo(result.stderr, err=True, nl=False)
        if result.timed_out:
            typer.echo(f"repowright: timed out after {cfg.timeout:g} s and was killed", err=True)
        elif result.oom_killed:
            typer.echo(f"repowright: killed for exceeding the memory limit ({cfg.memory})", err=True)
    raise typer.Exit(result.exit_code)


@app.command("clean")
def clean(as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP)) -> None:
    """Remove sandbox containers left behind by a killed repowright process."""
    from repowright.sandbox.docker_sandbox import DockerSandbox

    removed = DockerSandbox().prune()
    if as_json:
        emit_json({"removed": removed})
    else:
        console.print(f"removed {removed} leftover sandbox container(s)")
