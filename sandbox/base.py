"""The sandbox interface: run untrusted commands with limits, in one-shot runs or long-lived sessions."""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

from . import limits as _limits
from .copying import (
    COPY_OUT_LIMIT,
    DEFAULT_EXCLUDES,
    READ_LIMIT,
    LimitedSink,
    check_copy_in,
    first_file,
    safe_extract,
    spool,
    tar_directory,
    tar_files,
    write_tar_directory,
)
from .errors import CopyLimitError, LimitError, SandboxError

OUTPUT_CAP = 1 << 20  # bytes kept per stream; the rest is dropped and a marker says how much
TRUNCATION_MARKER = "\n[repowright: output truncated, {dropped} more bytes dropped]\n"
WORKDIR = "/work"
COPY_IN_LIMIT = 4 << 30  # a work tree copied in, where the session sets no smaller limit

__all__ = [
    "COPY_OUT_LIMIT",
    "DEFAULT_EXCLUDES",
    "READ_LIMIT",
    "CopyLimitError",
    "LimitError",
    "SandboxError",
    "safe_extract",
    "tar_directory",
    "tar_files",
]


@dataclass(frozen=True)
class Limits:
    """Resource limits for one container or local run."""

    timeout: float = 60.0
    memory: str = "2g"
    cpus: float = 1.0
    pids: int = 256
    network: Literal["none", "host"] = "none"
    output_cap: int = OUTPUT_CAP

    def __post_init__(self) -> None:
        _limits.validate(self.timeout, self.memory, self.cpus, self.pids, self.output_cap)
        if self.network not in ("none", "host"):
            raise LimitError(f"sandbox network {self.network!r} is not one of: none, host")


@dataclass(frozen=True)
class Mount:
    """A host path made visible inside the sandbox (read-only unless said otherwise)."""

    source: str
    target: str
    read_only: bool = True


@dataclass
class ExecResult:
    """What one command did."""

    exit_code: int
    stdout: str
    stderr: str
    timed_out: bool = False
    oom_killed: bool = False
    signal: int | None = None
    seconds: float = 0.0
    workdir_full: bool = False
    stdout_bytes: bytes = field(
        default=b"", repr=False
    )  # the raw bytes behind `stdout` (text replaces bad UTF-8)
    stderr_bytes: bytes = field(default=b"", repr=False)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out

    def to_dict(self) -> dict:
        data = asdict(self)
        del data["stdout_bytes"], data["stderr_bytes"]
        return data


@dataclass
class CappedBuffer:
    """Keeps the first `cap` bytes written and counts the rest."""

    cap: int
    data: bytearray = field(default_factory=bytearray)
    dropped: int = 0

    def write(self, chunk: bytes) -> None:
        room = self.cap - len(self.data)
        if room > 0:
            self.data += chunk[:room]
        self.dropped += max(0, len(chunk) - max(room, 0))

    def raw(self) -> bytes:
        """The kept bytes, with the truncation marker when something was dropped."""
        marker = TRUNCATION_MARKER.format(dropped=self.dropped).encode() if self.dropped else b""
        return bytes(self.data) + marker

    def text(self) -> str:
        return self.raw().decode("utf-8", errors="replace")


def exit_code_signal(exit_code: int) -> int | None:
    """The signal number behind a shell-style exit code (128+N) or a negative subprocess code."""
    if exit_code < 0:
        return -exit_code
    if 128 < exit_code < 128 + 65:
        return exit_code - 128
    return None


class Session(abc.ABC):
    """A long-lived sandbox: start once, exec many commands, copy files in and out."""

    workdir: str = WORKDIR

    @abc.abstractmethod
    def exec(
        self,
        cmd: str | Sequence[str],
        *,
        timeout: float | None = None,
        env: Mapping[str, str] | None = None,
        workdir: str | None = None,
        stdin: bytes | None = None,
    ) -> ExecResult:
        """Run `cmd` (a shell string or an argv list) inside the session."""

    copy_in_limit: int = COPY_IN_LIMIT

    @abc.abstractmethod
    def put_stream(self, write: Callable[[BinaryIO], object], dest: str | None = None) -> None:
        """Unpack at `dest` (default: the work dir) the tar archive that `write` streams into its argument."""

    @abc.abstractmethod
    def get_stream(self, path: str, sink: LimitedSink) -> None:
        """Write a tar archive of `path` (relative paths are under the work dir) into `sink`."""

    def size_of(self, path: str) -> int | None:
        """Bytes under `path` in the session, when the backend can tell before copying."""
        return None

    @abc.abstractmethod
    def close(self) -> None:
        """Stop and remove everything the session created. Safe to call twice."""

    def put_archive(self, archive: bytes, dest: str | None = None) -> None:
        """Unpack a tar archive at `dest` (default: the work dir)."""
        self.put_stream(lambda out: out.write(archive), dest)

    def put_files(self, files: Mapping[str, bytes | str], dest: str | None = None) -> None:
        self.put_archive(tar_files(files), dest)

    def put_directory(
        self, src: Path, dest: str | None = None, excludes: Iterable[str] = DEFAULT_EXCLUDES
    ) -> None:
        """Copy a host directory in, streamed, after checking it fits the session's copy-in limit."""
        if not any(Path(src).iterdir()):  # nothing to copy: spare the engine an exec
            return
        check_copy_in(Path(src), self.copy_in_limit, excludes)
        self.put_stream(lambda out: write_tar_directory(Path(src), out, ".", excludes), dest)

    def _archive_of(self, path: str, limit: int, what: str) -> BinaryIO:
        """A spooled tar of `path`, refused before copying when the session reports it too large."""
        size = self.size_of(path)
        if size is not None and size > limit:
            raise CopyLimitError(
                f"{what} {path} in the sandbox is {_limits.human_bytes(size)}, more than the "
                f"{_limits.human_bytes(limit)} limit; copy less or compress it inside first"
            )
        out = spool()
        self.get_stream(path, LimitedSink(out, limit + (1 << 20), f"{what} {path} in the sandbox"))
        out.seek(0)
        return out

    def get_archive(self, path: str, limit: int = READ_LIMIT) -> bytes:
        """A tar archive of `path` in host memory, at most `limit` bytes."""
        with self._archive_of(path, limit, "copying") as archive:
            return archive.read()

    def read_file(self, path: str, limit: int = READ_LIMIT) -> bytes:
        """The bytes of one file in the session, refused (not read) past `limit`."""
        with self._archive_of(path, limit, "reading") as archive:
            return first_file(archive, path, limit)

    def copy_out(self, path: str, dest: Path, limit: int = COPY_OUT_LIMIT) -> list[Path]:
        """Copy a file or directory out of the session into host directory `dest`, at most `limit` bytes."""
        dest.mkdir(parents=True, exist_ok=True)
        with self._archive_of(path, limit, "copying") as archive:
            return safe_extract(archive, dest)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Sandbox(abc.ABC):
    """A factory of sessions with one isolation mechanism."""

    name: str = "abstract"
    isolated: bool = True

    @abc.abstractmethod
    def session(
        self,
        *,
        limits: Limits | None = None,
        mounts: Sequence[Mount] = (),
        env: Mapping[str, str] | None = None,
    ) -> Session:
        """Start a long-lived session."""

    @abc.abstractmethod
    def check(self, limits: Limits | None = None) -> dict:
        """Whether the backend answers, the isolation found in a session with `limits`, how long a start takes."""

    def disposable_session(
        self, *, limits: Limits, mounts: Sequence[Mount], env: Mapping[str, str] | None
    ) -> Session:
        """The session of a one-shot `run`: a backend may end it at the command's timeout instead of cleaning up."""
        return self.session(limits=limits, mounts=mounts, env=env)

    def run(
        self,
        cmd: str | Sequence[str],
        *,
        src: Path | None = None,
        files: Mapping[str, bytes | str] | None = None,
        limits: Limits | None = None,
        mounts: Sequence[Mount] = (),
        env: Mapping[str, str] | None = None,
        stdin: bytes | None = None,
    ) -> ExecResult:
        """One-shot: start a session, copy `src` and `files` in, run `cmd`, remove everything."""
        limits = limits or Limits()
        with self.disposable_session(limits=limits, mounts=mounts, env=env) as sess:
            if src is not None:
                sess.put_directory(src)
            if files:
                sess.put_files(files)
            return sess.exec(cmd, timeout=limits.timeout, stdin=stdin)
