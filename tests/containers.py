"""This test session's sandbox containers: tagged by a label value of its own, inherited by child processes."""

from __future__ import annotations

import os
import uuid

SESSION_LABEL = f"pytest-{uuid.uuid4().hex[:12]}"
os.environ["REPOWRIGHT_RUN_LABEL"] = (
    SESSION_LABEL  # the sandbox labels containers with it; children inherit it
)


def own_containers() -> list:
    """Sandbox containers created in this test session, by this process or its children (listed sparse: no
    inspect per container, which races with the engine removing one)."""
    from repowright.sandbox.docker_sandbox import LABEL, RUN_LABEL, docker_client

    client = docker_client()
    return client.containers.list(
        all=True, sparse=True, filters={"label": [LABEL, f"{RUN_LABEL}={SESSION_LABEL}"]}
    )
