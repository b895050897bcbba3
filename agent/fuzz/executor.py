"""Run fuzz inputs in the sandbox through the fork server: one container, many inputs, one child each."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from repowright.sandbox import Limits, Mount, Sandbox, Session

from ..config_sections import FuzzConfig

FORKSERVER = Path(__file__).with_name("forkserver.py")
SANDBOX_SCRIPT = "/work/forkserver.py"
SERVE_DIR = "/work/fs"
ENV = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONWARNINGS": "ignore",
}


@dataclass
class ExecConfig:
    """How inputs run: per-input timeout and memory, the container's limits, and the interpreter to use."""

    timeout: float = FuzzConfig().timeout
    memory_bytes: int = 3 << 30  # address-space limit per child: big allocations fail instead of OOM-killing
    container_memory: str = FuzzConfig().memory
    python: str = sys.executable
    prefix: str = sys.prefix
    env: dict[str, str] = field(default_factory=lambda: dict(ENV))

    def mounts(self) -> list[Mount]:
        return [Mount(self.prefix, self.prefix)]


class ForkServerExecutor:
    """A long-lived sandbox session that runs batches of inputs; survives any one input's crash or hang."""

    def __init__(
        self,
        sandbox: Sandbox,
        preload: str,
        config: ExecConfig | None = None,
        files: dict[str, str] | None = None,
    ) -> None:
        self.sandbox, self.preload, self.files = sandbox, preload, dict(files or {})
        self.config = config or ExecConfig()
        self.session: Session | None = None
        self.number, self.pid = 0, None  # type: tuple[int, int | None]
        self.closed = False  # once closed (e.g. on Ctrl-C) it never starts a container again

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
        self.number, self.pid = 0, None

    def close(self) -> None:
        self.closed = True
        if self.session is not None:
            self.session.close()
            self.session = None

    def _launch(self) -> None:
        """Start (or restart) the fork server in the session and wait until its preload is done."""
        assert self.session is not None
        cfg = self.config
        header = {"preload": self.preload, "timeout": cfg.timeout, "memory_bytes": cfg.memory_bytes}
        self.number = 0
        self.session.exec(["/bin/sh", "-c", f"rm -rf {SERVE_DIR} && mkdir -p {SERVE_DIR}"], timeout=30)
        self.session.put_files({"config.json": json.dumps(header)}, dest=SERVE_DIR)
        script = (
            f"{cfg.python} {SANDBOX_SCRIPT} --serve {SERVE_DIR} </dev/null >{SERVE_DIR}/log 2>&1 & "
            f"pid=$!; echo $pid; while [ ! -f {SERVE_DIR}/ready ]; do "
            f"kill -0 $pid 2>/dev/null || {{ tail -5 {SERVE_DIR}/log >&2; exit 1; }}; sleep 0.05; done"
        )
        started = self.session.exec(["/bin/sh", "-c", script], timeout=300)
        if started.exit_code != 0:
            from repowright.sandbox import SandboxError

            raise SandboxError(
                f"the fork server did not start (exit {started.exit_code}): "
                f"{(started.stderr.strip().splitlines() or ['no output'])[-1]}"
            )
        self.pid = int(started.stdout.split()[0])

    def run(
        self,
        inputs: Sequence[tuple[str, str]],
        timeout: float | None = None,
        twice: frozenset[str] = frozenset(),
    ) -> dict[str, dict]:
        """Results by id for (id, code) inputs, each given `timeout` seconds (default: the configured limit); ids
        in `twice` run a second time and their results are compared. An input whose fork server died with it is
        retried once alone, then reported as `lost`."""
        self.twice = twice
        results: dict[str, dict] = {}
        pending = list(inputs)
        retried: set[str] = set()
        while pending:
            got = self._exec(pending, timeout)
            results.update(got)
            rest = [item for item in pending if item[0] not in results]
            if not rest:
                break
            first = rest[0]
            if first[0] not in retried:
                retried.add(first[0])
                alone = self._exec([first], timeout)
                results.update(alone)
            if first[0] not in results:
                results[first[0]] = {
                    "id": first[0],
                    "status": "lost",
                    "stderr": "the fork server died with it",
                }
            pending = rest[1:]
        return results

    def _exec(self, inputs: Sequence[tuple[str, str]], timeout: float | None = None) -> dict[str, dict]:
        """Hand one batch to the fork server and wait for its results (restarting a dead server first)."""
        if self.closed:
            from repowright.sandbox import SandboxError

            raise SandboxError("the fuzzing executor was closed (the campaign is stopping)")
        if self.session is None:
            self.start()
        if self.pid is None:
            self._launch()
        assert self.session is not None
        cfg, number = self.config, self.number
        self.number += 1
        limit = {"timeout": timeout} if timeout else {}
        twice: frozenset[str] = getattr(self, "twice", frozenset())
        body = (
            "\n".join(
                json.dumps({"id": i, "code": c, **limit, **({"twice": True} if i in twice else {})})
                for i, c in inputs
            )
            + "\n"
        )
        self.session.put_files({f"req-{number}.tmp": body}, dest=SERVE_DIR)
        done, part = f"{SERVE_DIR}/res-{number}.jsonl", f"{SERVE_DIR}/res-{number}.part"
        script = (
            f"mv {SERVE_DIR}/req-{number}.tmp {SERVE_DIR}/req-{number}.jsonl; "
            f"while [ ! -f {done} ]; do kill -0 {self.pid} 2>/dev/null || break; sleep 0.25; done; "
            f"cat {done} 2>/dev/null || cat {part} 2>/dev/null; true"
        )
        per_input = (timeout or cfg.timeout) + 2.0
        outcome = self.session.exec(["/bin/sh", "-c", script], timeout=60.0 + len(inputs) * per_input)
        results: dict[str, dict] = {}
        for line in outcome.stdout.splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and "id" in record:
                results[record["id"]] = record
        if len(results) < len(inputs):
            self.pid = None  # the server died (or was killed on a timeout): the next batch restarts it
        return results
