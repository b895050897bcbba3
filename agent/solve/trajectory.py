"""The run's trajectory: one JSON object a line, flushed as it happens, so an interrupted run stays readable.

Every model call's full request is recoverable: each distinct message (and tool schema list) is written once as
a `message` (`tools`) record, and the `model_call` record names them by id in order (`request.messages`), so a
conversation that grows by two messages a turn costs two records a turn, not the whole history again.
`request_messages` puts a call's messages back together.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from pathlib import Path
from typing import Any

from ..secrets import Scrubber

# Bounds on what one run writes (issue 11.4): a string field is cut to FIELD_CHARS, and to SMALL_FIELD_CHARS once
# the file passes FULL_BYTES, so a model or tool that floods cannot fill the disk; the records stay whole lines.
FIELD_CHARS = 64_000
SMALL_FIELD_CHARS = 1_000
FULL_BYTES = 32 * 1024 * 1024


def _cut(value: Any, limit: int) -> Any:
    """`value` with every string in it cut to `limit` characters (saying how many were dropped)."""
    if isinstance(value, str):
        return value if len(value) <= limit else value[:limit] + f"[... {len(value) - limit} characters cut]"
    if isinstance(value, dict):
        return {k: _cut(v, limit) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_cut(v, limit) for v in value]
    return value


class Trajectory:
    """Appends records (model calls, tool calls, steps, validation) to trajectory.jsonl and keeps them in memory."""

    def __init__(self, path: Path, scrubber: Scrubber | None = None, *, resume: bool = False) -> None:
        """A new trajectory at `path`; with `resume`, the records already there are kept and continued."""
        self.path = path
        self.scrubber = scrubber or Scrubber.from_environment()  # nothing secret reaches the file
        path.parent.mkdir(parents=True, exist_ok=True)
        self.records: list[dict[str, Any]] = read_trajectory(path) if resume and path.is_file() else []
        self.bytes = path.stat().st_size if self.records else 0
        if self.bytes and not path.read_bytes().endswith(b"\n"):
            with path.open("a") as torn:  # a line torn by a killed process stays on its own (and is skipped)
                torn.write("\n")
        self._file = path.open("a" if self.records else "w", encoding="utf-8")
        self._lock = threading.Lock()
        # times go on from the last record, so a resumed run's trajectory reads as one timeline
        self._start = time.monotonic() - (self.records[-1].get("t", 0.0) if self.records else 0.0)
        # ids of the messages and tool lists already written
        self._stored = {str(r.get("id")) for r in self.records if r.get("type") in ("message", "tools")}

    @property
    def seconds(self) -> float:
        """Seconds since the run started (interrupted runs before this one included)."""
        return time.monotonic() - self._start

    def log(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Write one record now (a whole line, flushed)."""
        limit = FIELD_CHARS if self.bytes < FULL_BYTES else SMALL_FIELD_CHARS
        record = {
            "type": kind,
            "t": round(time.monotonic() - self._start, 3),
            **self.scrubber.data(_cut(fields, limit)),
        }
        line = json.dumps(record, default=str, ensure_ascii=False)
        with self._lock:
            self.records.append(record)
            if not self._file.closed:
                self.bytes += len(line) + 1
                self._file.write(line + "\n")
                self._file.flush()
        return record

    def request(self, request: dict[str, Any]) -> dict[str, Any]:
        """The `request` field of a model_call record: new messages and tools are written now, all named by id."""
        if not request:
            return {}
        ids = [self._store("message", "message", m) for m in request.get("messages", [])]
        tools = self._store("tools", "tools", request["tools"]) if request.get("tools") else None
        rest = {k: v for k, v in request.items() if k not in ("messages", "tools")}
        return {"request": {"messages": ids, "tools": tools, **rest}}

    def _store(self, kind: str, key: str, value: Any) -> str:
        ident = hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]
        with self._lock:  # candidates running at once share the trajectory
            new = ident not in self._stored
            self._stored.add(ident)
        if new:
            self.log(kind, id=ident, **{key: value})
        return ident

    def close(self) -> None:
        with self._lock:
            self._file.close()


def read_trajectory(path: Path) -> list[dict[str, Any]]:
    """The records of a trajectory file (a torn last line, from a killed process, is skipped)."""
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return records


def request_messages(records: list[dict[str, Any]], call: dict[str, Any]) -> tuple[list[dict[str, Any]], Any]:
    """The messages and tool schemas a model_call record sent, rebuilt from the trajectory's stored parts."""
    parts = {(r["type"], r.get("id")): r for r in records if r.get("type") in ("message", "tools")}
    request = call.get("request") or {}
    messages = [parts[("message", i)]["message"] for i in request.get("messages", [])]
    tools = parts[("tools", request["tools"])]["tools"] if request.get("tools") else None
    return messages, tools
