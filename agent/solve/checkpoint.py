"""Resumable solve: every graph step is checkpointed to SQLite in the run folder, and a rerun picks up from there.

Each graph run is a langgraph thread ("understand", "candidate-<n>") in `checkpoints.sqlite` under `--out`. A
thread with no checkpoint starts from its input; one that stopped part way (the process was killed or
interrupted) continues from its last completed step; a finished one is not run again. The file is removed once
the run has written its outputs, so a finished run folder holds only the outputs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph.state import CompiledStateGraph

from ..errors import UserError
from ..llm import Usage

CHECKPOINTS = "checkpoints.sqlite"
RECURSION_LIMIT = 400  # graph steps one thread may take (act -> validate rounds are bounded far below)


def has_checkpoints(out_dir: Path) -> bool:
    """Whether `out_dir` holds an unfinished run to resume."""
    return (out_dir / CHECKPOINTS).is_file()


@contextmanager
def checkpointer(out_dir: Path) -> Iterator[SqliteSaver]:
    """The SQLite checkpointer of the run in `out_dir` (shared by threads: the saver locks around each write)."""
    with closing(sqlite3.connect(out_dir / CHECKPOINTS, check_same_thread=False)) as conn:
        yield SqliteSaver(conn)


def forget_checkpoints(out_dir: Path) -> None:
    """Remove the checkpoints of a run that finished (its outputs are written)."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        (out_dir / (CHECKPOINTS + suffix)).unlink(missing_ok=True)


def run_thread(
    graph: CompiledStateGraph[Any, Any, Any, Any], thread: str, start: dict[str, Any], context: object
) -> dict[str, Any]:
    """Run `graph` on `thread`: from `start` the first time, from its last completed step after an interruption,
    not at all once it finished; returns its final state."""
    config: RunnableConfig = {"configurable": {"thread_id": thread}, "recursion_limit": RECURSION_LIMIT}
    saved = graph.get_state(config)
    if not saved.values:
        return dict(graph.invoke(start, config, context=context, durability="sync"))
    if saved.values.get("issue") != start.get("issue"):
        raise UserError(
            f"the output folder holds an unfinished run of another issue ({CHECKPOINTS}); "
            "pass another --out, or delete that file to start over"
        )
    if saved.next:
        return dict(graph.invoke(None, config, context=context, durability="sync"))
    return dict(saved.values)


def spent_before(records: list[dict[str, Any]]) -> tuple[Usage, float]:
    """What the interrupted runs recorded in a trajectory spent: model usage, and seconds."""
    usage = Usage()
    for record in records:
        if record.get("type") == "model_call" and isinstance(record.get("usage"), dict):
            done = record["usage"]
            usage.add(
                Usage(
                    calls=1,
                    prompt_tokens=int(done.get("prompt_tokens", 0)),
                    completion_tokens=int(done.get("completion_tokens", 0)),
                    retries=int(done.get("retries", 0)),
                )
            )
    return usage, float(records[-1].get("t", 0.0)) if records else 0.0
