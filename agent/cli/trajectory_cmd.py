"""`repowright trajectory show RUN_DIR`: a run's steps in order, in the terminal, with the requests if asked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from ..errors import UserError
from .common import console

app = typer.Typer(help="Read a solve run's trajectory.", no_args_is_help=True)
PREVIEW = 160


def _short(value: object, limit: int = PREVIEW) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(record: dict[str, Any]) -> str:
    """One line for a trajectory record: what happened, without the bulk."""
    kind = record.get("type", "?")
    if kind in ("run", "resumed"):
        return ("continued after an interruption: " if kind == "resumed" else "") + (
            f"model {record.get('model')} (temperature {record.get('temperature')}), repowright "
            f"{record.get('repowright_version')}, commit {str(record.get('commit'))[:12]}, "
            f"started {record.get('started')}"
        )
    if kind == "model_call":
        reply = record.get("content") or ""
        calls = ", ".join(c.get("name") or "?" for c in record.get("tool_calls") or [])
        sent = len((record.get("request") or {}).get("messages", []))
        return (
            f"{record.get('step')}: {sent} messages sent -> "
            + (f"tools [{calls}] " if calls else "")
            + _short(reply)
        )
    if kind == "tool_call":
        status = "ok" if record.get("ok") else f"failed: {record.get('error') or ''}"
        return f"{record.get('name')}({_short(record.get('arguments'), 80)}) {status} {_short(record.get('result', ''))}"
    if kind == "validation":
        return "checks " + _short(record.get("checks"))
    if kind == "end":
        return f"status {record.get('status')}, checks {_short(record.get('checks'))}"
    skip = {"type", "t", "sample"}
    return _short({k: v for k, v in record.items() if k not in skip})


@app.command("show")
def show(
    run_dir: Path = typer.Argument(..., help="A run folder (holding trajectory.jsonl) or the file itself."),
    messages: bool = typer.Option(False, "--messages", help="Print each model call's full request messages."),
) -> None:
    """Print the run's steps in order: time, candidate, what happened.

    Example: repowright trajectory show ~/.cache/repowright/git-1a2b3c4d5e6f/runs/20261129-101500-abc123
    """
    from ..solve.trajectory import read_trajectory, request_messages

    path = run_dir / "trajectory.jsonl" if run_dir.is_dir() else run_dir
    if not path.is_file():
        raise UserError(f"{path} does not exist; give a run folder written by `repowright solve`")
    records = read_trajectory(path)
    for number, record in enumerate(r for r in records if r.get("type") not in ("message", "tools")):
        sample = f" #{record['sample']}" if "sample" in record else ""
        console.print(
            f"[dim]{number:4d} {record.get('t', 0):8.2f}s{sample}[/] [bold]{record.get('type')}[/] "
            f"{escape(describe(record))}",
            soft_wrap=True,
        )
        if messages and record.get("type") == "model_call" and record.get("request"):
            sent, _tools = request_messages(records, record)
            for message in sent:
                console.print(
                    f"      [cyan]{message.get('role')}[/]: {escape(str(message.get('content') or ''))}",
                    soft_wrap=True,
                )
