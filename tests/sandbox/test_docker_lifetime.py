"""Deadlines and container lifetimes against the real engine: floods, dead clients, `sandbox clean`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager

import pytest

from repowright.sandbox import Limits
from tests.cli import default_signals

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("no_leftover_containers")]


@contextmanager
def cpu_burner():
    """A process spinning on one core for the duration, as a loaded machine has."""
    proc = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield
    finally:
        proc.kill()
        proc.wait()


def containers_of(pid: int) -> list:
    from repowright.sandbox.docker_sandbox import LABEL, docker_client

    return docker_client().containers.list(
        all=True, sparse=True, filters={"label": [LABEL, f"repowright.pid={pid}"]}
    )


def wait_for(predicate, seconds: float) -> bool:
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        if predicate():
            return True
        time.sleep(0.25)
    return predicate()


@pytest.mark.timeout(300)
def test_timeout_fires_while_output_floods_on_a_loaded_machine(docker_sandbox):
    with cpu_burner(), docker_sandbox.session(limits=Limits(timeout=60)) as sess:
        start = time.monotonic()
        quiet = sess.exec("sleep 100", timeout=3)
        baseline = time.monotonic() - start
        for flood in (["yes"], ["cat", "/dev/zero"]):
            start = time.monotonic()
            result = sess.exec(flood, timeout=3)
            assert result.timed_out and result.exit_code == 124
            assert time.monotonic() - start < baseline + 20  # before the fix: hung until killed from outside
            assert "output truncated" in result.stdout
        assert quiet.timed_out and sess.exec("echo alive").stdout == "alive\n"


@pytest.mark.timeout(300)
def test_a_one_shot_run_that_floods_ends_with_its_container(docker_sandbox):
    """`Sandbox.run` (what `sandbox run` uses) ends a timed-out command with its whole container: 124, the output
    so far, and no container left once it returns, as soon as for a quiet command (an unread flood into the exec
    connection once held the removal up for 20 s)."""
    with cpu_burner():
        start = time.monotonic()
        quiet = docker_sandbox.run(["sleep", "100"], limits=Limits(timeout=3))
        baseline = time.monotonic() - start
        assert quiet.timed_out and quiet.exit_code == 124
        for flood in (["yes"], ["cat", "/dev/zero"], ["yes"]):
            start = time.monotonic()
            result = docker_sandbox.run(flood, limits=Limits(timeout=3))
            assert result.timed_out and result.exit_code == 124 and "output truncated" in result.stdout
            assert containers_of(os.getpid()) == []
            assert time.monotonic() - start < 2 * baseline + 5


SESSION_HOLDER = (
    "import sys, time\n"
    "from repowright.sandbox import toolchain_mounts\n"
    "from repowright.sandbox.docker_sandbox import DockerSandbox\n"
    "shell_init = sys.argv[1] == 'shell'\n"  # the init of registry images: a shell, not the Python reaper
    "sandbox = DockerSandbox(toolchains=not shell_init)\n"
    "with sandbox.session(mounts=toolchain_mounts() if shell_init else ()) as sess:\n"
    "    sess.exec('true')\n"
    "    print('ready', flush=True)\n"
    "    time.sleep(600)\n"
)


@pytest.mark.parametrize(
    "signum,init", [(signal.SIGTERM, "reaper"), (signal.SIGKILL, "reaper"), (signal.SIGKILL, "shell")]
)
def test_a_killed_session_holder_leaves_no_container(signum, init):
    child = subprocess.Popen(
        [sys.executable, "-c", SESSION_HOLDER, init],
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=default_signals,
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        assert len(containers_of(child.pid)) == 1
        child.send_signal(signum)
        child.wait(timeout=30)
        assert wait_for(lambda: not containers_of(child.pid), 60), "the container outlived its client"
    finally:
        child.kill()


def test_sighup_to_sandbox_run_leaves_no_container(tmp_path):
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "repowright.agent.cli.main",
            "sandbox",
            "run",
            "--timeout",
            "300",
            "--workdir",
            str(tmp_path),
            "--",
            "sleep",
            "300",
        ],
        preexec_fn=default_signals,
    )
    try:
        assert wait_for(lambda: any(c.status == "running" for c in containers_of(child.pid)), 60)
        child.send_signal(signal.SIGHUP)
        child.wait(timeout=30)
        assert wait_for(lambda: not containers_of(child.pid), 60), "the container outlived `sandbox run`"
    finally:
        child.kill()


def orphan_container(tag: str):
    """A sandbox container whose owning process has exited (as an older version could leave behind)."""
    from repowright.sandbox.docker_sandbox import LABEL, docker_client
    from repowright.sandbox.image import ensure_base_image, toolchain_mounts
    from repowright.sandbox.owner import owner_labels

    dead = subprocess.Popen(["true"])
    labels = owner_labels(dead.pid)
    dead.wait()
    client = docker_client()
    import docker.types

    mounts = [docker.types.Mount(m.target, m.source, type="bind", read_only=True) for m in toolchain_mounts()]
    return client.containers.run(
        ensure_base_image(client),
        ["/usr/bin/sleep", "600"],
        detach=True,
        mounts=mounts,
        labels={**labels, LABEL: "1", "repowright.test": tag},
        network_mode="none",
    )


def test_clean_removes_only_containers_whose_owner_is_gone():
    from repowright.sandbox.docker_sandbox import DockerSandbox

    tag = uuid.uuid4().hex
    sandbox = DockerSandbox(labels={"repowright.test": tag})
    orphan = orphan_container(tag)
    try:
        with sandbox.session() as live:
            counts = sandbox.prune(label=f"repowright.test={tag}")
            assert counts == {"removed": 1, "kept": 1}
            assert (
                live.exec("echo still here").stdout == "still here\n"
            )  # before the fix: removed, APIError 409
        assert wait_for(lambda: not _exists(orphan), 30)
    finally:
        orphan.remove(force=True) if _exists(orphan) else None


def _exists(container) -> bool:
    import docker.errors

    try:
        container.reload()
        return True
    except docker.errors.NotFound:
        return False


def test_owner_alive_tells_a_reused_pid_and_a_reboot_apart():
    from repowright.sandbox.owner import BOOT, START, owner_alive, owner_labels

    mine = owner_labels()
    assert owner_alive(mine)
    assert not owner_alive({**mine, START: str(int(mine[START]) + 1)})  # same pid, another process
    assert not owner_alive({**mine, BOOT: "another-boot"})
    assert owner_alive({**mine, "repowright.host": "another-host", BOOT: "x"})  # cannot judge: keep
    assert os.getpid() == int(mine["repowright.pid"])
