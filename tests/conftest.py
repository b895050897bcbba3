"""Shared fixtures: the real Docker sandbox and a guard that no test leaves a container behind."""

from __future__ import annotations

import os

import pytest

# Fixture repositories under data/ carry their own tests (some fail on purpose); they are inputs, not tests.
collect_ignore = ["data"]


@pytest.fixture(autouse=True)
def user_cache(tmp_path, monkeypatch):
    """Each test's own user cache folder (graph caches, runs), so no test writes to the real one."""
    folder = tmp_path / "user-cache"
    monkeypatch.setenv("REPOWRIGHT_CACHE_DIR", str(folder))
    return folder


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
