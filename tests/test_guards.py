"""The suite's own guards: they see a child process's containers and keep the developer's settings out of CLI runs."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from tests.cli import ROOT, run_cli
from tests.containers import own_containers

HOLD = """
import time
from repowright.sandbox.docker_sandbox import DockerSandbox
session = DockerSandbox().session().__enter__()
print(session.container.id, flush=True)
time.sleep(600)  # holds the container until the test kills this process
"""


@pytest.mark.docker
def test_the_container_guard_sees_a_child_process_container():
    """A child's container carries this session's label (the guard sees it), and dies with the child."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        cid = child.stdout.readline().strip()
        assert cid, child.stderr.read()
        assert [c.id for c in own_containers() if c.id == cid] == [cid]
    finally:
        child.kill()
        child.wait(timeout=60)
    for _ in range(300):  # the container's lifeline ends with its client (sandbox/container_init.py)
        if not [c for c in own_containers() if c.id == cid]:
            break
        time.sleep(0.2)
    assert not [c for c in own_containers() if c.id == cid]


def test_cli_runs_ignore_the_developer_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("REPOWRIGHT_MODEL", "from-the-shell")
    (tmp_path / "repowright.toml").write_text('[llm]\nmodel = "from-a-parent-folder"\n')
    shown = run_cli("config", "show", "--json", cwd=tmp_path / "work")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["llm"]["model"] is None
