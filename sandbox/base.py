"""The sandbox interface: run untrusted commands with limits, in one-shot runs or long-lived sessions."""

from __future__ import annotations

import abc
import io
import tarfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

OUTPUT_CAP = 1 << 20  # bytes kept per stream; the rest is dropped and a marker says how much
TRUNCATION_MARKER = "\n[repowright: output truncated, {dropped} more bytes dropped]\n"
DEFAULT_EXCLUDES = (".venv", ".repowright", "__pycache__", "node_modules", ".mypy_cache", ".pytest_cache")
WORKDIR = "/work"


class SandboxError(RuntimeError):
    """The sandbox itself failed (engine unreachable, image missing, copy failed); not the command."""


@dataclass(frozen=True)
class Limits:
    """Resource limits for one container or local run."""

    timeout: float = 60.0
    memory: str = "2g"
    cpus: float = 1.0
    pids: int = 256
    network: Literal["none", "host"] = "none"
    output_cap: int = OUTPUT_CAP


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

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out

    def to_dict(self) -> dict:
        return asdict(self)


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

    def text(self) -> str:
        out = self.data.decode("utf-8", errors="replace")
        if self.dropped:
            out += TRUNCATION_MARKER.format(dropped=self.dropped)
        return out


def exit_code_signal(exit_code: int) -> int | None:
    """The signal number behind a shell-style exit code (128+N) or a negative subprocess code."""
    if exit_code < 0:
        return -exit_code
    if 128 < exit_code < 128 + 65:
        return exit_code - 128
    return None


def tar_directory(src: Path, arcname: str = ".", excludes: Iterable[str] = DEFAULT_EXCLUDES) -> bytes:
    """A tar archive of `src` without the excluded directory names (symlinks kept as links)."""
    skip = set(excludes)

    def keep(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
        if any(part in skip for part in PurePosixPath(info.name).parts):
            return None
        info.uid = info.gid = 1000
        info.uname = info.gname = "sandbox"
        return info

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        tar.add(str(src), arcname=arcname, filter=keep)
    return buf.getvalue()


def tar_files(files: Mapping[str, bytes | str]) -> bytes:
    """A tar archive holding the given relative paths and contents."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, content in files.items():
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(name.lstrip("/"))
            info.size = len(data)
            info.mode = 0o755 if data.startswith(b"#!") else 0o644
            info.uid = info.gid = 1000
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def safe_extract(archive: bytes, dest: Path) -> list[Path]:
    """Extract an archive that came out of a sandbox, refusing links and paths that escape `dest`."""
    dest = dest.resolve()
    written: list[Path] = []
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            target = (dest / member.name).resolve()
            if target != dest and dest not in target.parents:
                raise SandboxError(f"refusing to extract {member.name!r}: it points outside {dest}")
            if member.issym() or member.islnk() or member.isdev():
                continue
            tar.extract(member, dest, filter="data")
            written.append(target)
    return written


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

    @abc.abstractmethod
    def put_archive(self, archive: bytes, dest: str | None = None) -> None:
        """Unpack a tar archive at `dest` (default: the work dir)."""

    @abc.abstractmethod
    def get_archive(self, path: str) -> bytes:
        """A tar archive of `path` (relative paths are under the work dir)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Stop and remove everything the session created. Safe to call twice."""

    def put_files(self, files: Mapping[str, bytes | str], dest: str | None = None) -> None:
        self.put_archive(tar_files(files), dest)

    def put_directory(self, src: Path, dest: str | None = None, excludes: Iterable[str] = DEFAULT_EXCLUDES) -> None:
        self.put_archive(tar_directory(Path(src), ".", excludes), dest)

    def read_file(self, path: str) -> bytes:
        """The bytes of one file in the session."""
        with tarfile.open(fileobj=io.BytesIO(self.get_archive(path))) as tar:
            for member in tar.getmembers():
                if member.isfile():
                    extracted = tar.extractfile(member)
                    assert extracted is not None
                    return extracted.read()
        raise SandboxError(f"{path} is not a regular file in the sandbox")

    def copy_out(self, path: str, dest: Path) -> list[Path]:
        """Copy a file or directory out of the session into host directory `dest`."""
        dest.mkdir(parents=True, exist_ok=True)
        return safe_extract(self.get_archive(path), dest)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Sandbox(abc.ABC):
    """A factory of sessions with one isolation mechanism."""

    name: str = "abstract"
    isolated: bool = True

    @abc.abstractmethod
    def session(self, *, limits: Limits | None = None, mounts: Sequence[Mount] = (),
                env: Mapping[str, str] | None = None) -> Session:
        """Start a long-lived session."""

    @abc.abstractmethod
    def check(self) -> dict:
        """Whether the backend answers, which isolation is in force, and how long a start takes."""

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
        with self.session(limits=limits, mounts=mounts, env=env) as sess:
            if src is not None:
                sess.put_directory(src)
            if files:
                sess.put_files(files)
            return sess.exec(cmd, timeout=limits.timeout, stdin=stdin)

