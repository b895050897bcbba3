"""The run's trajectory: one JSON object a line, flushed as it happens, so an interrupted run stays readable."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..redact import redact_value

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

    def __init__(self, path: Path, secrets: Iterable[str] = ()) -> None:
        self.path = path
        self.secrets = list(secrets)  # configured credentials, redacted from every record
        self.bytes = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("w", encoding="utf-8")
        self._lock = threading.Lock()
        self._start = time.monotonic()
        self.records: list[dict[str, Any]] = []

    def log(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Write one record now (a whole line, flushed)."""
        limit = FIELD_CHARS if self.bytes < FULL_BYTES else SMALL_FIELD_CHARS
        record = {"type": kind, "t": round(time.monotonic() - self._start, 3),
                  **redact_value(_cut(fields, limit), self.secrets)}
        line = json.dumps(record, default=str, ensure_ascii=False)
        with self._lock:
            self.records.append(record)
            if not self._file.closed:
                self.bytes += len(line) + 1
                self._file.write(line + "\n")
                self._file.flush()
        return record

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
