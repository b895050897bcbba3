"""The sandbox a cluster node makes for its tasks, and the node check that it can make one."""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

from repowright.sandbox import Sandbox, SandboxError, make_sandbox

_lock = threading.Lock()


@dataclass(frozen=True)
class NodeSandbox:
    """How a node makes its sandbox: backend, image (None: build the default one there), container labels."""

    backend: str = "docker"
    image: str | None = None
    labels: tuple[tuple[str, str], ...] = ()


@functools.lru_cache(maxsize=4)
def _sandbox(spec: NodeSandbox) -> Sandbox:
    return make_sandbox(spec.backend, image=spec.image, labels=dict(spec.labels))


def node_sandbox(spec: NodeSandbox) -> Sandbox:
    """One sandbox per worker process and spec (the engine probe and image check run once)."""
    with _lock:
        return _sandbox(spec)


def check_sandbox(spec: NodeSandbox) -> list[str]:
    """On a node: the engine answers and the sandbox image exists (built there on first use)."""
    if spec.backend != "docker":
        return []
    from repowright.sandbox.docker_sandbox import docker_client

    try:
        docker_client(timeout=30)
    except SandboxError as exc:
        return [str(exc)]
    try:
        node_sandbox(spec)
    except Exception as exc:  # noqa: BLE001 - any failure to build the image is this node's problem
        return [
            f"the sandbox image could not be built ({str(exc)[:200]}); run `repowright sandbox check` there"
        ]
    return []
