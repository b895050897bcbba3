"""One sandbox container: commands run as a non-root user with a deadline that holds whatever they write.

The deadline is kept by the reader loop alone (see `_stream`): at the deadline it starts a detached kill
of the user's processes and goes on draining their output until the stream ends; when that cannot be
confirmed in time, the whole container is killed and the session says it is no longer usable. A disposable
session (a one-shot run) skips the kill inside: its command's timeout ends the session, and `close`
removes the container with everything in it (`docker rm -f`), so nothing is waited for twice.
"""

from __future__ import annotations

import atexit
import os
import socket
import struct
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, BinaryIO

import docker.errors

from .base import WORKDIR, CappedBuffer, ExecResult, Limits, Mount, Session, exit_code_signal
from .container_init import init_command
from .copying import LimitedSink
from .errors import CopyError, CopyLimitError, EngineError, ImageError, SessionError
from .image import SANDBOX_UID
from .limits import human_bytes, tmpfs_sizes
from .owner import owner_labels

if TYPE_CHECKING:
    from .docker_sandbox import DockerSandbox

LABEL = "repowright.sandbox"
# A caller's tag for every container it (and its child processes) creates: the label `repowright.session` carries
# the value of REPOWRIGHT_RUN_LABEL, so one test session or CI job can find exactly its own containers. (Not
# `repowright.run`: that one names the run an executor's tasks belong to, see agent/ray_executor.py.)
RUN_LABEL, RUN_LABEL_ENV = "repowright.session", "REPOWRIGHT_RUN_LABEL"
USER = f"{SANDBOX_UID}:{SANDBOX_UID}"
TMPFS_OPTS = f"rw,exec,nosuid,nodev,uid={SANDBOX_UID},gid={SANDBOX_UID},size={{size}}"
KILL_WAIT = 5.0  # seconds to confirm a timed-out command's processes are gone before killing the container
_OOM_FILES = ("/sys/fs/cgroup/memory/memory.oom_control", "/sys/fs/cgroup/memory.events")
_NO_SPACE = b"No space left on device"
Feed = Callable[[BinaryIO], object]


class DockerSession(Session):
    """One running container; `exec` runs commands as the sandbox user with a hard timeout."""

    def __init__(
        self,
        sandbox: DockerSandbox,
        limits: Limits,
        mounts: list[Mount],
        env: dict[str, str],
        *,
        disposable: bool = False,
    ) -> None:
        self.api = sandbox.client.api
        self.limits = limits
        self.env = env
        self.disposable = disposable  # a timeout ends the session: no kill inside, close removes it all
        self._oom_seen = 0
        self._closed = False
        self._broken: str | None = None
        self.tmpfs = tmpfs_sizes(limits.memory, sandbox.tmpfs_size)
        self.copy_in_limit = self.tmpfs[WORKDIR]
        try:
            cid = self.api.create_container(
                sandbox.image,
                command=init_command(sandbox.toolchains),
                stdin_open=True,
                detach=False,
                host_config=self._host_config(limits, mounts),
                labels={
                    **sandbox.labels,
                    LABEL: "1",
                    **owner_labels(),
                    RUN_LABEL: os.environ.get(RUN_LABEL_ENV, ""),
                },
                working_dir=WORKDIR,
                environment=env,
                name=f"repowright-{uuid.uuid4().hex[:12]}",
            )["Id"]
        except docker.errors.ImageNotFound as exc:
            raise ImageError(
                f"the sandbox image {sandbox.image} is not on this Docker engine; load or build it, "
                "or leave [sandbox] image unset to use the offline image"
            ) from exc
        except docker.errors.APIError as exc:
            raise EngineError(
                f"the engine refused to create a sandbox container: {exc.explanation or exc}"
            ) from exc
        self.container = sandbox.client.containers.prepare_model({"Id": cid})  # no inspect round trip
        _LIVE.add(self)
        try:  # the lifeline: while this process holds it, the container lives (see container_init)
            self._lifeline = self.api.attach_socket(cid, params={"stdin": 1, "stream": 1})
            self.api.start(cid)
        except BaseException:
            self.close()
            raise

    def _host_config(self, limits: Limits, mounts: list[Mount]) -> dict:
        import docker.types

        return self.api.create_host_config(
            auto_remove=True,
            network_mode=limits.network,
            read_only=True,
            tmpfs={path: TMPFS_OPTS.format(size=size) for path, size in self.tmpfs.items()},
            mounts=[
                docker.types.Mount(m.target, m.source, type="bind", read_only=m.read_only) for m in mounts
            ],
            mem_limit=limits.memory,
            memswap_limit=limits.memory,
            nano_cpus=int(limits.cpus * 1e9),
            pids_limit=limits.pids,
            cap_drop=["ALL"],
            security_opt=["no-new-privileges"],
        )

    def exec(
        self,
        cmd: str | Sequence[str],
        *,
        timeout: float | None = None,
        env: Mapping[str, str] | None = None,
        workdir: str | None = None,
        stdin: bytes | None = None,
        output_cap: int | None = None,
    ) -> ExecResult:
        argv = ["/bin/sh", "-c", cmd] if isinstance(cmd, str) else list(cmd)
        feed = None if not stdin else (lambda out: out.write(stdin))
        return self._exec(argv, feed, timeout=timeout, env=env, workdir=workdir, output_cap=output_cap)

    def _exec(
        self,
        argv: list[str],
        feed: Feed | None,
        *,
        timeout: float | None = None,
        env: Mapping[str, str] | None = None,
        workdir: str | None = None,
        output_cap: int | None = None,
    ) -> ExecResult:
        limit = self.limits.timeout if timeout is None else timeout
        cap = self.limits.output_cap if output_cap is None else output_cap
        exec_id = self._exec_create(argv, environment={**self.env, **(env or {})}, workdir=workdir or WORKDIR)
        start = time.monotonic()
        out, err = CappedBuffer(cap), CappedBuffer(cap)
        timed_out = self._stream(exec_id, feed, out, err, start + limit)
        if timed_out:
            return ExecResult(
                124,
                out.text(),
                err.text(),
                timed_out=True,
                signal=9,
                seconds=time.monotonic() - start,
                stdout_bytes=out.raw(),
                stderr_bytes=err.raw(),
            )
        exit_code = self._exit_code(exec_id)
        seconds = time.monotonic() - start
        oom = exit_code == 137 and self._oom_increased()
        full = (
            exit_code != 0
            and (exit_code == 137 or _NO_SPACE in err.data or _NO_SPACE in out.data)
            and self._report_full_mounts(err)
        )
        if oom and not full:
            err.write(b"\n[repowright: killed for exceeding the memory limit]\n")
        return ExecResult(
            exit_code,
            out.text(),
            err.text(),
            oom_killed=oom,
            signal=exit_code_signal(exit_code),
            seconds=seconds,
            workdir_full=full,
            stdout_bytes=out.raw(),
            stderr_bytes=err.raw(),
        )

    def _exec_create(self, argv: list[str], **kwargs) -> str:
        """Create an exec as the sandbox user, or a SandboxError saying the session is gone."""
        if self._closed or self._broken:
            raise SessionError(f"the sandbox session is {self._broken or 'closed'}; start a new one")
        try:
            return self.api.exec_create(
                self.container.id, argv, stdout=True, stderr=True, stdin=True, user=USER, **kwargs
            )["Id"]
        except docker.errors.APIError as exc:
            if exc.status_code in (404, 409):
                self._broken = "no longer running"
            raise SessionError(
                f"the sandbox container stopped ({exc.explanation or exc}); start a new session"
            ) from exc

    def _stream(self, exec_id: str, feed: Feed | None, out, err, deadline: float) -> bool:
        """Feed stdin and read the multiplexed output until EOF or the deadline; True when it timed out.

        At the deadline (or when a sink refuses more data) the command's processes are killed while the
        stream goes on being read and discarded: the engine buffers whatever a command writes that no one
        reads, and a flood left unread held up every later exec, the kill included. The end of the stream
        confirms the kill; without it in KILL_WAIT seconds the whole container is killed.
        """
        try:
            raw: socket.socket = _raw_socket(self.api.exec_start(exec_id, socket=True))
        except docker.errors.APIError as exc:
            self._broken = "no longer running"
            raise SessionError(
                f"the sandbox container stopped ({exc.explanation or exc}); start a new session"
            ) from exc
        feeder = _Feeder(raw, feed)
        feeder.start()
        pending, stopped, refused = b"", False, None
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 and (stopped or self.disposable):
                    self._end_session()
                    stopped = True
                    break
                if remaining <= 0:
                    stopped, deadline = True, self._start_kill()
                    continue
                raw.settimeout(remaining)
                try:
                    chunk = raw.recv(1 << 16)
                except TimeoutError:
                    continue
                if not chunk:
                    break
                if stopped:
                    continue
                try:
                    pending = _demultiplex(pending + chunk, out, err)
                except CopyLimitError as exc:
                    refused, stopped, deadline = exc, True, self._start_kill()
        finally:
            _hang_up(raw)
            feeder.join(timeout=5)
        if refused is not None:
            raise refused
        if not stopped:
            feeder.raise_error()
        return stopped

    def _exit_code(self, exec_id: str) -> int:
        for _ in range(100):
            info = self.api.exec_inspect(exec_id)
            if not info.get("Running"):
                code = info.get("ExitCode")
                return 137 if code is None else int(code)
            time.sleep(0.02)
        self._start_kill()
        return 137

    def _start_kill(self) -> float:
        """Start killing every process of the sandbox user (detached); return when to give up waiting."""
        try:
            exec_id = self.api.exec_create(self.container.id, ["/bin/kill", "-KILL", "-1"], user=USER)["Id"]
            self.api.exec_start(exec_id, detach=True)
        except docker.errors.APIError:
            self._kill_container()
        return time.monotonic() + KILL_WAIT

    def _end_session(self) -> None:
        """At a deadline with no kill inside to wait for: a disposable session ends, and `close` removes it."""
        if not self.disposable:
            return self._kill_container()
        self._broken = "ended: its command timed out"

    def _kill_container(self) -> None:
        """The last resort when a command's processes cannot be confirmed dead: end the whole session."""
        self._broken = "stopped: a timed-out command could not be killed inside it"
        try:
            self.api.kill(self.container.id)
        except docker.errors.APIError:
            pass

    def _oom_increased(self) -> bool:
        """Whether the container's cgroup counted a new OOM kill since the last look."""
        text = self._quick(["/bin/sh", "-c", "cat " + " ".join(_OOM_FILES) + " 2>/dev/null"])
        count = sum(int(line.split()[1]) for line in text.splitlines() if line.startswith("oom_kill "))
        increased = count > self._oom_seen
        self._oom_seen = count
        return increased

    def _report_full_mounts(self, err: CappedBuffer) -> bool:
        """Whether a writable mount is full; if so, say which in `err` so the user knows why it failed."""
        lines = self._quick(["df", "-P", "-k", *self.tmpfs]).splitlines()[1:]
        full = [
            f"{parts[5]} ({human_bytes(self.tmpfs.get(parts[5], 0))})"
            for parts in map(str.split, lines)
            if len(parts) >= 6 and parts[3].isdigit() and int(parts[3]) < 256
        ]
        if full:
            err.write(
                f"\n[repowright: work dir full: {', '.join(full)} has no space left (the work dir gets half "
                f"of the {self.limits.memory} memory limit); delete files or raise --memory. The session "
                "is still usable]\n".encode()
            )
        return bool(full)

    def _quick(self, argv: list[str]) -> str:
        """The stdout of a short helper command run as the sandbox user."""
        try:
            exec_id = self.api.exec_create(self.container.id, argv, user=USER)["Id"]
            return self.api.exec_start(exec_id).decode(errors="replace")
        except docker.errors.APIError:
            return ""

    def put_stream(self, write: Feed, dest: str | None = None) -> None:
        target = dest or WORKDIR
        result = self._exec(
            ["/bin/sh", "-c", 'mkdir -p "$0" && tar -x -m -C "$0"', target],
            write,
            timeout=max(60.0, self.limits.timeout),
        )
        if result.exit_code != 0:
            reason = result.stderr.strip()[:300] or f"tar exited with {result.exit_code}"
            raise CopyError(f"copying files into the sandbox failed: {reason}")

    def size_of(self, path: str) -> int | None:
        text = self._quick(["du", "-s", "-b", "--", _full_path(path)]).split()
        return int(text[0]) if text and text[0].isdigit() else None

    def get_stream(self, path: str, sink: LimitedSink) -> None:
        parent, name = _full_path(path).rstrip("/").rsplit("/", 1)
        exec_id = self._exec_create(["/bin/tar", "-c", "-C", parent or "/", name])
        err = CappedBuffer(1 << 16)
        if self._stream(exec_id, None, sink, err, time.monotonic() + max(60.0, self.limits.timeout)):
            raise CopyError(f"copying {path} out of the sandbox timed out")
        if self._exit_code(exec_id) != 0:
            raise CopyError(f"copying {path} out of the sandbox failed: {err.text().strip()[:300]}")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        _LIVE.discard(self)
        try:
            self.container.remove(force=True)
        except Exception:  # already gone (AutoRemove), or the engine stopped: nothing left to remove here
            pass
        lifeline = getattr(self, "_lifeline", None)
        if lifeline is not None:
            _raw_socket(lifeline).close()


def _full_path(path: str) -> str:
    return path if path.startswith("/") else f"{WORKDIR}/{path}"


def _hang_up(raw: socket.socket) -> None:
    """End the connection for the engine too: a plain close leaves it open while the client library holds the
    descriptor, and an engine writing a flood into a connection no one reads holds up the container's removal."""
    try:
        raw.shutdown(socket.SHUT_RDWR)
    except OSError:  # already ended by the engine
        pass
    raw.close()


def _raw_socket(sock) -> socket.socket:
    return getattr(sock, "_sock", sock)


def _demultiplex(pending: bytes, out, err) -> bytes:
    """Write each complete frame of Docker's stdout/stderr stream to its sink; return the incomplete rest."""
    while len(pending) >= 8:
        kind, size = pending[0], struct.unpack(">I", pending[4:8])[0]
        if len(pending) < 8 + size:
            break
        (err if kind == 2 else out).write(pending[8 : 8 + size])
        pending = pending[8 + size :]
    return pending


class _SocketWriter:
    def __init__(self, raw: socket.socket) -> None:
        self.raw = raw

    def write(self, data: bytes) -> int:
        self.raw.sendall(data)
        return len(data)


class _Feeder(threading.Thread):
    """Writes a command's input (bytes or a streamed tar) into the exec socket, then closes its write side."""

    def __init__(self, raw: socket.socket, feed: Feed | None) -> None:
        super().__init__(daemon=True)
        self.raw, self.feed = raw, feed
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            if self.feed is not None:
                self.feed(_SocketWriter(self.raw))  # type: ignore[arg-type]
            self.raw.shutdown(socket.SHUT_WR)
        except OSError as exc:  # the command exited without reading all of its input, or a host file failed
            if not isinstance(exc, BrokenPipeError | ConnectionResetError) and self.feed is not None:
                self.error = exc
        except Exception as exc:  # noqa: BLE001 - reported by raise_error on the caller's thread
            self.error = exc

    def raise_error(self) -> None:
        self.join(timeout=5)
        if self.error is not None:
            raise CopyError(f"copying into the sandbox failed on this machine: {self.error}") from self.error


_LIVE: weakref.WeakSet[DockerSession] = weakref.WeakSet()


def live_container_ids() -> set[str]:
    """Ids of the containers of this process's sessions that are still open."""
    return {sess.container.id for sess in list(_LIVE) if not sess._closed}


def close_live_sessions() -> None:
    """Remove every container this process still has open (on exit, or when a run is interrupted)."""
    for sess in list(_LIVE):
        sess.close()


atexit.register(close_live_sessions)
