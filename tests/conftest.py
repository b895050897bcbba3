"""Shared fixtures: the real Docker sandbox, and guards that no test leaves a container or a cache behind.

Every container a sandbox creates carries the label `repowright.session=<REPOWRIGHT_RUN_LABEL>`; this session sets
that variable to a value of its own before any test runs, so containers made by child processes (CLI runs)
carry it too, while other sessions sharing the Docker engine carry theirs.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from tests.containers import own_containers

# Fixture repositories under data/ carry their own tests (some fail on purpose); they are inputs, not tests.
collect_ignore = ["data"]
ROOT = Path(__file__).resolve().parents[1]
_BEFORE_CALL = pytest.StashKey[set[str] | None]()
READ_ONLY_INPUTS = (ROOT / "tests" / "data", ROOT / "examples")


def pytest_configure(config: pytest.Config) -> None:
    """Ctrl-C raises KeyboardInterrupt here and in every child, however the suite was started: a suite started as
    a background job (`pytest &` in a script) ignores SIGINT, and the interrupt tests would then test nothing."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


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


def _session_containers() -> set[str] | None:
    """Ids of this session's containers, or None when no engine answers (a test that needs none still runs)."""
    try:
        return {c.id for c in own_containers()}
    except Exception:
        return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Note the session's containers once the fixtures are up."""
    item.stash[_BEFORE_CALL] = _session_containers()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Fail a test that leaves behind a container made while it ran (by itself or a child process)."""
    result = yield
    before = item.stash.get(_BEFORE_CALL, None)
    if before is not None:
        from repowright.sandbox.docker_sandbox import live_container_ids

        held = live_container_ids()  # open sessions of a module's fixture: checked when the module ends
        leftovers = [c for c in own_containers() if c.id not in before and c.id not in held]
        for container in leftovers:
            container.remove(force=True)  # so one leak fails one test, not every later one
        assert not leftovers, f"containers left behind: {[c.short_id for c in leftovers]}"
    return result


@pytest.fixture(scope="module", autouse=True)
def no_leftover_containers():
    """The same check per module, after its fixtures are gone: what a fixture (any scope) made must be removed."""
    try:
        before = {c.id for c in own_containers()}
    except Exception:
        before = None
    yield
    if before is None:
        return
    leftovers = [c for c in own_containers() if c.id not in before]
    for container in leftovers:
        container.remove(force=True)
    assert not leftovers, f"containers left behind by a module's fixtures: {[c.short_id for c in leftovers]}"


def cache_files_since(start: float) -> list[str]:
    """Files under a `.repowright` folder of the test inputs written since `start`."""
    found = []
    for root in READ_ONLY_INPUTS:
        for folder in root.rglob(".repowright"):
            found += [
                str(p.relative_to(ROOT))
                for p in folder.rglob("*")
                if p.is_file() and p.stat().st_mtime >= start
            ]
    return found


@pytest.fixture(scope="session", autouse=True)
def inputs_stay_clean():
    """Fails the session if a test wrote a cache into tests/data or examples (tests pass a temporary cache)."""
    start = time.time() - 1
    yield
    written = cache_files_since(start)
    assert not written, f"tests wrote caches into their inputs: {written[:5]}"


@pytest.fixture(scope="session")
def ray_cluster():
    """A real two-node Ray cluster on loopback (head + one node, one CPU each), shut down by its handle."""
    from tests.ray_cluster import start_cluster

    cluster = start_cluster(nodes=2)
    try:
        yield cluster
    finally:
        cluster.shutdown()
