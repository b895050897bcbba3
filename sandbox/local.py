"""The local fallback: plain subprocesses in a temporary directory. It isolates nothing; use it only when asked."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from .base import (
    CappedBuffer,
    ExecResult,
    Limits,
    Mount,
    Sandbox,
    Session,
    exit_code_signal,
    safe_extract,
)
from .copying import LimitedSink, directory_size, spool
from .errors import CopyError

WARNING = "WARNING: --sandbox local runs commands directly on this machine: nothing is isolated."


def _memory_bytes(text: str) -> int:
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    text = text.strip().lower().rstrip("b")
    return int(float(text[:-1]) * units[text[-1]]) if text[-1] in units else int(text)


class LocalSandbox(Sandbox):
    name = "local"
    isolated = False

    def __init__(self, *, warn: bool = True) -> None:
        if warn:
            print(WARNING, file=sys.stderr)

    def session(
        self,
        *,
        limits: Limits | None = None,
        mounts: Sequence[Mount] = (),
        env: Mapping[str, str] | None = None,
    ) -> LocalSession:
        return LocalSession(limits or Limits(), dict(env or {}))

    def check(self, limits: Limits | None = None) -> dict:
        start = time.monotonic()
        with self.session(limits=limits) as sess:
            result = sess.exec(["true"])
        return {
            "backend": "local",
            "answers": True,
            "isolated": False,
            "isolation": "none",
            "warning": WARNING,
            "start_exec_remove_seconds": round(time.monotonic() - start, 3),
            "probe_exit_code": result.exit_code,
        }


class LocalSession(Session):
    """A temporary directory standing in for the container's work dir."""

    def __init__(self, limits: Limits, env: dict[str, str]) -> None:
        self.limits = limits
        self.root = Path(tempfile.mkdtemp(prefix="repowright-local-"))
        self.workdir = str(self.root)
        self.env = {**os.environ, **env}

    def _resolve(self, path: str) -> Path:
        return Path(path) if path.startswith("/") else self.root / path

    def exec(
        self,
        cmd: str | Sequence[str],
        *,
        timeout: float | None = None,
        env: Mapping[str, str] | None = None,
        workdir: str | None = None,
        stdin: bytes | None = None,
    ) -> ExecResult:
        limit = self.limits.timeout if timeout is None else timeout
        memory = _memory_bytes(self.limits.memory)

        def limit_child() -> None:
            os.setsid()
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

        start = time.monotonic()
        proc = subprocess.Popen(
            cmd,
            shell=isinstance(cmd, str),
            cwd=workdir or self.workdir,
            env={**self.env, **(env or {})},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=limit_child,
        )
        out, err = CappedBuffer(self.limits.output_cap), CappedBuffer(self.limits.output_cap)
        readers = [
            threading.Thread(target=_drain, args=(s, b), daemon=True)
            for s, b in ((proc.stdout, out), (proc.stderr, err))
        ]
        for t in readers:
            t.start()
        assert proc.stdin is not None
        try:
            proc.stdin.write(stdin or b"")
            proc.stdin.close()
        except BrokenPipeError:
            pass
        timed_out = False
        try:
            proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        for t in readers:
            t.join(timeout=5)
        seconds = time.monotonic() - start
        if timed_out:
            return ExecResult(
                124,
                out.text(),
                err.text(),
                timed_out=True,
                signal=9,
                seconds=seconds,
                stdout_bytes=out.raw(),
                stderr_bytes=err.raw(),
            )
        code = proc.returncode if proc.returncode >= 0 else 128 - proc.returncode
        return ExecResult(
            code,
            out.text(),
            err.text(),
            signal=exit_code_signal(proc.returncode),
            seconds=seconds,
            stdout_bytes=out.raw(),
            stderr_bytes=err.raw(),
        )

    def put_stream(self, write: Callable[[BinaryIO], object], dest: str | None = None) -> None:
        target = self._resolve(dest) if dest else self.root
        target.mkdir(parents=True, exist_ok=True)
        with spool() as archive:
            write(archive)
            archive.seek(0)
            safe_extract(archive, target)

    def size_of(self, path: str) -> int | None:
        source = self._resolve(path)
        return (
            directory_size(source, ())[0]
            if source.is_dir()
            else source.stat().st_size
            if source.exists()
            else None
        )

    def get_stream(self, path: str, sink: LimitedSink) -> None:
        source = self._resolve(path)
        if not source.exists():
            raise CopyError(f"{path} does not exist in the local sandbox")
        with tarfile.open(fileobj=sink, mode="w|") as tar:  # type: ignore[call-overload]
            tar.add(str(source), arcname=source.name)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _drain(stream, buffer: CappedBuffer) -> None:
    for chunk in iter(lambda: stream.read(65536), b""):
        buffer.write(chunk)
