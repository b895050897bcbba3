"""Shared fixtures: the real Docker sandbox and a guard that no test leaves a container behind."""

from __future__ import annotations

import os

import pytest

# Fixture repositories under data/ carry their own tests (some fail on purpose); they are inputs, not tests.
collect_ignore = ["data"]


@pytest.fixture(scope="session")
def docker_sandbox():
    """The real Docker sandbox (CI starts the engine; a missing engine is a failure, not a skip)."""
    from repowright.sandbox.docker_sandbox import DockerSandbox

    return DockerSandbox()


def own_containers() -> list:
    """Sandbox containers created by this test process (other processes may share the engine)."""
    from repowright.sandbox.docker_sandbox import LABEL, docker_client

    client = docker_client()
    return client.containers.list(all=True, filters={"label": [LABEL, f"repowright.pid={os.getpid()}"]})


@pytest.fixture
def no_leftover_containers():
    """Fails the test if it leaves one of its sandbox containers behind."""
    yield
    leftovers = own_containers()
    assert not leftovers, f"containers left behind: {[c.name for c in leftovers]}"


@pytest.fixture(scope="session")
def ray_cluster():
    """A real two-node Ray cluster on loopback (head + one node, one CPU each), shut down by its handle."""
    from tests.ray_cluster import start_cluster

    cluster = start_cluster(nodes=2)
    try:
        yield cluster
    finally:
        cluster.shutdown()
