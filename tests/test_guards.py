"""The suite's own guards: they see a child process's containers and keep the developer's settings out of CLI runs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.cli import ROOT, run_cli
from tests.containers import own_containers

LEAK = """
import os
from repowright.sandbox.docker_sandbox import DockerSandbox
session = DockerSandbox().session().__enter__()
print(session.container.name, flush=True)
os._exit(0)  # no clean-up: the container is left behind
"""


@pytest.mark.docker
def test_the_container_guard_sees_a_child_process_container():
    child = subprocess.run([sys.executable, "-c", LEAK], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert child.returncode == 0, child.stderr
    name = child.stdout.strip()
    leaked = [c for c in own_containers() if c.name == name]
    for container in leaked:
        container.remove(force=True)
    assert len(leaked) == 1


def test_cli_runs_ignore_the_developer_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("REPOWRIGHT_MODEL", "from-the-shell")
    (tmp_path / "repowright.toml").write_text('[llm]\nmodel = "from-a-parent-folder"\n')
    shown = run_cli("config", "show", "--json", cwd=tmp_path / "work")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["llm"]["model"] is None
