"""The Docker sandbox: sessions in containers of an offline-built image, with every limit on.

Each session is a `DockerSession` (docker_session.py). `check` reports the isolation a real container
has (engine configuration plus a probe from inside); `prune` removes only containers whose owner is gone.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import docker.errors

from .base import Limits, Mount, Sandbox
from .container_init import init_command
from .docker_session import (
    LABEL,
    RUN_LABEL,
    RUN_LABEL_ENV,
    USER,
    DockerSession,
    close_live_sessions,
    live_container_ids,
)
from .errors import EngineError
from .image import ensure_base_image, sandbox_env, toolchain_mounts
from .owner import owner_alive
from .probe import PROBE_SCRIPT, assess, parse_probe

__all__ = [
    "LABEL",
    "RUN_LABEL",
    "RUN_LABEL_ENV",
    "USER",
    "DockerSandbox",
    "DockerSession",
    "close_live_sessions",
    "docker_client",
    "init_command",
    "live_container_ids",
]


def docker_client(timeout: float = 120):
    """A client of the local engine, or a one-line SandboxError that says what to do."""
    import docker

    try:
        client = docker.from_env(timeout=int(timeout))
        client.ping()
    except docker.errors.DockerException as exc:
        raise EngineError(
            "the Docker engine does not answer; start it (`make engine`, or `dockerd &` as root) "
            "or choose `--sandbox local`, which isolates nothing"
        ) from exc
    return client


class DockerSandbox(Sandbox):
    """Sessions in containers of an offline-built image (or a registry image, when named)."""

    name = "docker"
    isolated = True

    def __init__(
        self,
        image: str | None = None,
        *,
        toolchains: bool = True,
        tmpfs_size: str = "2g",
        labels: Mapping[str, str] | None = None,
    ) -> None:
        self.client = docker_client()
        self.image = image or ensure_base_image(self.client)
        self.toolchains = toolchains
        self.tmpfs_size = tmpfs_size
        self.labels = dict(labels or {})  # extra labels on every container (to tell a caller's own apart)

    def session(
        self,
        *,
        limits: Limits | None = None,
        mounts: Sequence[Mount] = (),
        env: Mapping[str, str] | None = None,
    ) -> DockerSession:
        return self._session(limits or Limits(), mounts, env, disposable=False)

    def disposable_session(
        self, *, limits: Limits, mounts: Sequence[Mount], env: Mapping[str, str] | None
    ) -> DockerSession:
        """A session whose command's timeout ends it: `close` then removes the container (`docker rm -f`)."""
        return self._session(limits, mounts, env, disposable=True)

    def _session(
        self, limits: Limits, mounts: Sequence[Mount], env: Mapping[str, str] | None, *, disposable: bool
    ) -> DockerSession:
        all_mounts = (toolchain_mounts() if self.toolchains else []) + list(mounts)
        env = {**sandbox_env(), **(env or {})}
        return DockerSession(self, limits, all_mounts, env, disposable=disposable)

    def check(self, limits: Limits | None = None) -> dict:
        """Start a container with `limits`, inspect its engine configuration, probe from inside, report."""
        version = self.client.version()
        start = time.monotonic()
        sess = self.session(limits=limits or Limits(timeout=30))
        with sess:
            host_config = self.client.api.inspect_container(sess.container.id)["HostConfig"]
            result = sess.exec(["/bin/sh", "-c", PROBE_SCRIPT], timeout=30)
        seconds = time.monotonic() - start
        isolation = assess(host_config, parse_probe(result.stdout))
        return {
            "backend": "docker",
            "answers": True,
            "engine_version": version.get("Version"),
            "image": self.image,
            "isolated": all(item["ok"] for item in isolation.values()),
            "isolation": isolation,
            "start_exec_remove_seconds": round(seconds, 3),
            "probe_exit_code": result.exit_code,
        }

    def prune(self, label: str | None = None) -> dict[str, int]:
        """Remove the sandbox containers (those with `label` too, if given) whose owning process is gone."""
        removed = kept = 0
        for container in self.client.containers.list(
            all=True, filters={"label": [LABEL, *([label] if label else [])]}
        ):
            if owner_alive(container.labels):
                kept += 1
                continue
            try:
                container.remove(force=True)
                removed += 1
            except docker.errors.NotFound:  # removed meanwhile (AutoRemove, or another clean)
                pass
        return {"removed": removed, "kept": kept}


def remove_labelled(labels: Mapping[str, str]) -> int:
    """Remove the sandbox containers carrying all of `labels` (what an interrupted run left); return how many."""
    client = docker_client()
    wanted = [LABEL] + [f"{key}={value}" for key, value in labels.items()]
    removed = 0
    for container in client.containers.list(all=True, filters={"label": wanted}):
        try:
            container.remove(force=True)
            removed += 1
        except docker.errors.NotFound:
            pass
    return removed
