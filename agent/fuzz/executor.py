"""Run fuzz inputs in the sandbox through the fork server: one container, many inputs, one child each."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sandbox import Limits, Mount, Sandbox, Session

FORKSERVER = Path(__file__).with_name("forkserver.py")
SANDBOX_SCRIPT = "/work/forkserver.py"
ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONWARNINGS": "ignore"}


@dataclass
class ExecConfig:
    """How inputs run: per-input timeout and memory, the container's limits, and the interpreter to use."""

    timeout: float = 10.0
    memory_bytes: int = 3 << 30  # address-space limit per child: big allocations fail instead of OOM-killing
    container_memory: str = "4g"
    python: str = sys.executable
    prefix: str = sys.prefix
    env: dict[str, str] = field(default_factory=lambda: dict(ENV))

    def mounts(self) -> list[Mount]:
        return [Mount(self.prefix, self.prefix)]


class ForkServerExecutor:
    """A long-lived sandbox session that runs batches of inputs; survives any one input's crash or hang."""

    def __init__(self, sandbox: Sandbox, preload: str, config: ExecConfig | None = None,
                 files: dict[str, str] | None = None) -> None:
        self.sandbox, self.preload, self.files = sandbox, preload, dict(files or {})
        self.config = config or ExecConfig()
        self.session: Session | None = None

    def __enter__(self) -> ForkServerExecutor:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        cfg = self.config
        limits = Limits(timeout=max(600.0, cfg.timeout * 4), memory=cfg.container_memory, cpus=1.0, pids=256)
        self.session = self.sandbox.session(limits=limits, mounts=cfg.mounts(), env=cfg.env)
        self.session.put_files({**self.files, "forkserver.py": FORKSERVER.read_text()})

    def close(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None

    def run(self, inputs: Sequence[tuple[str, str]]) -> dict[str, dict]:
        """Results by id for (id, code) inputs; an input whose fork server died with it is retried once alone,
        then reported as `lost`."""
        results: dict[str, dict] = {}
        pending = list(inputs)
        retried: set[str] = set()
        while pending:
            got = self._exec(pending)
            results.update(got)
            rest = [item for item in pending if item[0] not in results]
            if not rest:
                break
            first = rest[0]
            if first[0] in retried:
                results[first[0]] = {"id": first[0], "status": "lost", "stderr": "the fork server itself died"}
                rest = rest[1:]
            else:
                retried.add(first[0])
                alone = self._exec([first])
                results.update(alone)
                if first[0] not in alone:
                    results[first[0]] = {"id": first[0], "status": "lost", "stderr": "the fork server died"}
                rest = rest[1:]
            pending = rest
        return results

    def _exec(self, inputs: Sequence[tuple[str, str]]) -> dict[str, dict]:
        if self.session is None:
            self.start()
        assert self.session is not None
        cfg = self.config
        header = {"preload": self.preload, "timeout": cfg.timeout, "memory_bytes": cfg.memory_bytes}
        stdin = "\n".join([json.dumps(header)] + [json.dumps({"id": i, "code": c}) for i, c in inputs]) + "\n"
        budget = 60.0 + len(inputs) * (cfg.timeout + 2.0)
        outcome = self.session.exec([cfg.python, SANDBOX_SCRIPT], stdin=stdin.encode(), timeout=budget)
        results: dict[str, dict] = {}
        for line in outcome.stdout.splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and "id" in record:
                results[record["id"]] = record
        if not results and outcome.exit_code != 0 and "ready" not in outcome.stdout:
            from sandbox import SandboxError

            raise SandboxError(f"the fork server did not start (exit {outcome.exit_code}): "
                               f"{outcome.stderr.strip().splitlines()[-1:] or ['no output']}")
        return results
