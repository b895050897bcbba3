"""The run's trajectory: one JSON object a line, flushed as it happens, so an interrupted run stays readable."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

from ..secrets import Scrubber


class Trajectory:
    """Appends records (model calls, tool calls, steps, validation) to trajectory.jsonl and keeps them in memory."""

    def __init__(self, path: Path, scrubber: Scrubber | None = None) -> None:
        self.path = path
        self.scrubber = scrubber or Scrubber.from_environment()  # nothing secret reaches the file
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("w", encoding="utf-8")
        self._lock = threading.Lock()
        self._start = time.monotonic()
        self.records: list[dict[str, Any]] = []

    def log(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Write one record now (a whole line, flushed)."""
        record = self.scrubber.data({"type": kind, "t": round(time.monotonic() - self._start, 3), **fields})
        line = json.dumps(record, default=str, ensure_ascii=False)
        with self._lock:
            self.records.append(record)
            if not self._file.closed:
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
