"""The user's [sandbox] limits reach every sandbox session of a solve: the agent's workspace and validation."""

from __future__ import annotations

import json

import pytest

from repowright.agent.solve.trajectory import read_trajectory
from tests.agent.solve.scripted import (
    FIX_MEAN,
    StepResponder,
    call,
    calls,
    copy_fixture,
    mean_reproduction,
    model_env,
    submit,
)
from tests.cli import run_cli
from tests.scripted_server import ScriptedServer

pytestmark = pytest.mark.docker
# what the kernel enforces on the container, read from inside it (cgroup v2, else v1)
LIMITS = (
    "(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes) && "
    "(cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max)"
)


def test_user_config_limits_reach_the_workspace_and_validation(tmp_path):
    repo, issue = copy_fixture("stats", tmp_path)
    config = tmp_path / "xdg" / "repowright" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[sandbox]\nmemory = "300m"\npids = 77\n')
    responder = StepResponder(
        {
            "reproduce": [mean_reproduction()],
            "act": [calls(call("run_command", command=LIMITS)), calls(FIX_MEAN), submit("fixed")],
        }
    )
    out = tmp_path / "out"
    with ScriptedServer(responder=responder) as srv:
        proc = run_cli(
            "solve",
            str(repo),
            "--issue",
            issue,
            "--out",
            str(out),
            "--test-cmd",
            f"{LIMITS} && python -m pytest -q -p no:cacheprovider tests",
            cwd=tmp_path,
            env={**model_env(srv.base_url), "XDG_CONFIG_HOME": str(tmp_path / "xdg")},
            timeout=300,
        )
    assert proc.returncode == 0, proc.stderr
    seen_by_agent = next(r for r in read_trajectory(out / "trajectory.jsonl") if r["type"] == "tool_call")
    assert "314572800\n77" in seen_by_agent["result"]  # 300 MiB and 77 pids in the agent's session
    (candidate,) = json.loads((out / "result.json").read_text())["candidates"]
    assert candidate["checks"]["existing_tests_pass"] is True
    assert "314572800\n77" in candidate["details"]["existing_tests"]  # and in the validation container
