"""The Docker sandbox: one container per session, commands run as a non-root user with every limit on."""

from __future__ import annotations

import atexit
import os
import socket
import struct
import sys
import threading
import time
import uuid
import weakref
from collections.abc import Mapping, Sequence

from .base import (
    WORKDIR,
    CappedBuffer,
    ExecResult,
    Limits,
    Mount,
    Sandbox,
    SandboxError,
    Session,
    exit_code_signal,
)
from .image import SANDBOX_UID, ensure_base_image, sandbox_env, toolchain_mounts

LABEL = "repowright.sandbox"
# A caller's tag for every container it (and its child processes) creates: the label `repowright.run` carries
# the value of REPOWRIGHT_RUN_LABEL, so one test session or CI job can find exactly its own containers.
RUN_LABEL, RUN_LABEL_ENV = "repowright.run", "REPOWRIGHT_RUN_LABEL"
USER = f"{SANDBOX_UID}:{SANDBOX_UID}"
TMPFS_OPTS = f"rw,exec,nosuid,nodev,uid={SANDBOX_UID},gid={SANDBOX_UID},size={{size}}"
_OOM_FILES = ("/sys/fs/cgroup/memory/memory.oom_control", "/sys/fs/cgroup/memory.events")
# PID 1 of a session: reaps orphaned children so zombies never fill the pids limit. It runs as root
# without capabilities; commands run as USER, so a timeout can kill all of theirs and not this.
REAPER = (
    "import os, signal\n"
    "signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGCHLD])\n"
    "while True:\n"
    "    try:\n"
    "        while os.waitpid(-1, os.WNOHANG)[0] > 0:\n"
    "            pass\n"
    "    except ChildProcessError:\n"
    "        pass\n"
    "    signal.sigtimedwait([signal.SIGCHLD], 1)\n"
)
_LIVE: weakref.WeakSet[DockerSession] = weakref.WeakSet()


def close_live_sessions() -> None:
    """Remove every container this process still has open (on exit, or when a run is interrupted)."""
    for sess in list(_LIVE):
        sess.close()


atexit.register(close_live_sessions)


def live_container_ids() -> set[str]:
    """Ids of the containers of this process's sessions that are still open."""
    return {sess.container.id for sess in list(_LIVE) if not sess._closed}


def docker_client(timeout: float = 120):
    """A client of the local engine, or a one-line SandboxError that says what to do."""
    import docker
    import docker.errors

    try:
        client = docker.from_env(timeout=int(timeout))
        client.ping()
    except docker.errors.DockerException as exc:
        raise SandboxError(
            "the Docker engine does not answer; start it (`make engine`, or `dockerd &` as root) "
            "or choose `--sandbox local`, which isolates nothing"
        ) from exc
    return client


def init_command(toolchains: bool) -> list[str]:
    """The container's main process: the reaper on the host interpreter, or plain sleep without one."""
    if toolchains:
        return [os.path.realpath(sys.base_prefix) + "/bin/python3", "-c", REAPER]
    return ["/bin/sleep", "infinity"]


class DockerSandbox(Sandbox):
    """Sessions in containers of an offline-built image (or a registry image, when named)."""

    name = "docker"
    isolated = True

    def __init__(self, image: str | None = None, *, toolchains: bool = True, tmpfs_size: str = "2g") -> None:
        self.client = docker_client()
        self.image = image or ensure_base_image(self.client)
        self.toolchains = toolchains
        self.tmpfs_size = tmpfs_size

    def session(self, *, limits: Limits | None = None, mounts: Sequence[Mount] = (),
                env: Mapping[str, str] | None = None) -> DockerSession:
        all_mounts = (toolchain_mounts() if self.toolchains else []) + list(mounts)
        return DockerSession(self, limits or Limits(), all_mounts, {**sandbox_env(), **(env or {})})

    def check(self) -> dict:
        version = self.client.version()
        start = time.monotonic()
        with self.session(limits=Limits(timeout=30)) as sess:
            result = sess.exec(["true"])
        seconds = time.monotonic() - start
        return {
            "backend": "docker",
            "answers": True,
            "engine_version": version.get("Version"),
            "image": self.image,
            "isolation": {
                "network": "none",
                "read_only_root": True,
                "user": USER,
                "capabilities": "all dropped",
                "no_new_privileges": True,
                "limits": "memory, cpus, pids, timeout",
            },
            "start_exec_remove_seconds": round(seconds, 3),
            "probe_exit_code": result.exit_code,
        }

    def prune(self) -> int:
        """Remove every container a repowright sandbox left behind; return how many."""
        stale = self.client.containers.list(all=True, filters={"label": LABEL})
        for container in stale:
            container.remove(force=True)
        return len(stale)


class DockerSession(Session):
    """One running container; `exec` runs commands as the sandbox user with a hard timeout."""

    def __init__(self, sandbox: DockerSandbox, limits: Limits, mounts: list[Mount], env: dict[str, str]) -> None:
        import docker.types

        self.api = sandbox.client.api
        self.limits = limits
        self.env = env
        self._oom_seen = 0
        self._closed = False
        tmpfs = TMPFS_OPTS.format(size=sandbox.tmpfs_size)
        self.container = sandbox.client.containers.create(
            sandbox.image,
            command=init_command(sandbox.toolchains),
            detach=True,
            network_mode=limits.network,
            read_only=True,
            tmpfs={WORKDIR: tmpfs, "/tmp": tmpfs, "/home/sandbox": tmpfs},
            mounts=[docker.types.Mount(m.target, m.source, type="bind", read_only=m.read_only) for m in mounts],
            mem_limit=limits.memory,
            memswap_limit=limits.memory,
            nano_cpus=int(limits.cpus * 1e9),
            pids_limit=limits.pids,
            cap_drop=["ALL"],
            security_opt=["no-new-privileges"],
            labels={LABEL: "1", "repowright.pid": str(os.getpid()), RUN_LABEL: os.environ.get(RUN_LABEL_ENV, "")},
            working_dir=WORKDIR,
            environment=env,
            name=f"repowright-{uuid.uuid4().hex[:12]}",
        )
        _LIVE.add(self)
        try:
            self.container.start()
        except BaseException:
            self.close()
            raise

    def exec(self, cmd: str | Sequence[str], *, timeout: float | None = None, env: Mapping[str, str] | None = None,
             workdir: str | None = None, stdin: bytes | None = None, output_cap: int | None = None) -> ExecResult:
        if self._closed:
            raise SandboxError("the sandbox session is closed")
        argv = ["/bin/sh", "-c", cmd] if isinstance(cmd, str) else list(cmd)
        limit = self.limits.timeout if timeout is None else timeout
        cap = self.limits.output_cap if output_cap is None else output_cap
        exec_id = self.api.exec_create(
            self.container.id, argv, stdout=True, stderr=True, stdin=True, user=USER,
            environment={**self.env, **(env or {})}, workdir=workdir or WORKDIR,
        )["Id"]
        start = time.monotonic()
        out, err = CappedBuffer(cap), CappedBuffer(cap)
        timed_out = self._stream(exec_id, stdin or b"", out, err, start + limit)
        exit_code = self._exit_code(exec_id)
        seconds = time.monotonic() - start
        if timed_out:
            return ExecResult(124, out.text(), err.text(), timed_out=True, signal=9, seconds=seconds)
        oom = exit_code == 137 and self._oom_increased()
        if oom:
            err.write(b"\n[repowright: killed for exceeding the memory limit]\n")
        return ExecResult(exit_code, out.text(), err.text(), oom_killed=oom,
                          signal=exit_code_signal(exit_code), seconds=seconds)

    def _stream(self, exec_id: str, stdin: bytes, out: CappedBuffer, err: CappedBuffer, deadline: float) -> bool:
        """Feed stdin and read the multiplexed output until EOF or the deadline; True when it timed out."""
        sock = self.api.exec_start(exec_id, socket=True)
        raw: socket.socket = getattr(sock, "_sock", sock)
        writer = threading.Thread(target=_feed_stdin, args=(raw, stdin), daemon=True)
        writer.start()
        pending = b""
        timed_out = False
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 and not timed_out:
                    timed_out = True
                    self._kill_user_processes()
                    deadline = time.monotonic() + 5  # drain what the killed processes left
                    continue
                if remaining <= 0:
                    break
                raw.settimeout(remaining)
                try:
                    chunk = raw.recv(65536)
                except TimeoutError:
                    continue
                if not chunk:
                    break
                pending += chunk
                while len(pending) >= 8:
                    kind, size = pending[0], struct.unpack(">I", pending[4:8])[0]
                    if len(pending) < 8 + size:
                        break
                    (err if kind == 2 else out).write(pending[8:8 + size])
                    pending = pending[8 + size:]
        finally:
            raw.close()
        return timed_out

    def _exit_code(self, exec_id: str) -> int:
        for _ in range(100):
            info = self.api.exec_inspect(exec_id)
            if not info.get("Running"):
                code = info.get("ExitCode")
                return 137 if code is None else int(code)
            time.sleep(0.02)
        self._kill_user_processes()
        return 137

    def _kill_user_processes(self) -> None:
        """Kill every process of the sandbox user: the command, its children, anything it daemonized."""
        exec_id = self.api.exec_create(self.container.id, ["/bin/kill", "-KILL", "-1"], user=USER)["Id"]
        self.api.exec_start(exec_id)

    def _oom_increased(self) -> bool:
        """Whether the container's cgroup counted a new OOM kill since the last look."""
        script = "cat " + " ".join(_OOM_FILES) + " 2>/dev/null"
        exec_id = self.api.exec_create(self.container.id, ["/bin/sh", "-c", script], user=USER)["Id"]
        text = self.api.exec_start(exec_id).decode(errors="replace")
        count = sum(int(line.split()[1]) for line in text.splitlines() if line.startswith("oom_kill "))
        increased = count > self._oom_seen
        self._oom_seen = count
        return increased

    def put_archive(self, archive: bytes, dest: str | None = None) -> None:
        target = dest or WORKDIR
        result = self.exec(["/bin/sh", "-c", 'mkdir -p "$0" && tar -x -m -C "$0"', target],
                           stdin=archive, timeout=max(60.0, self.limits.timeout))
        if result.exit_code != 0:
            raise SandboxError(f"copying files into the sandbox failed: {result.stderr.strip()[:300]}")

    def get_archive(self, path: str) -> bytes:
        full = path if path.startswith("/") else f"{WORKDIR}/{path}"
        parent, name = os.path.split(full.rstrip("/")) or ("/", full)
        exec_id = self.api.exec_create(self.container.id, ["/bin/tar", "-c", "-C", parent or "/", name],
                                       stdout=True, stderr=True, user=USER)["Id"]
        data, err = CappedBuffer(1 << 40), CappedBuffer(1 << 16)
        self._stream(exec_id, b"", data, err, time.monotonic() + max(60.0, self.limits.timeout))
        if self._exit_code(exec_id) != 0:
            raise SandboxError(f"copying {path} out of the sandbox failed: {err.text().strip()[:300]}")
        return bytes(data.data)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        _LIVE.discard(self)
        try:
            self.container.remove(force=True)
        except Exception:  # already gone, or the engine stopped: nothing left to remove here
            pass


def _feed_stdin(raw: socket.socket, data: bytes) -> None:
    try:
        if data:
            raw.sendall(data)
        raw.shutdown(socket.SHUT_WR)
    except OSError:  # the command exited without reading all of its input
        pass
