"""A trajectory someone can replay: each model call's request (messages and tool schemas) is recoverable exactly
as the server received it, the run's metadata is recorded, and `repowright trajectory show` prints the steps."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from repowright.agent.solve.trajectory import read_trajectory, request_messages
from tests.agent.solve.scripted import (
    FIX_MEAN,
    StepResponder,
    call,
    calls,
    copy_fixture,
    mean_reproduction,
    solve_scripted,
    submit,
)
from tests.cli import run_cli

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("no_leftover_containers")]


def test_every_request_is_recoverable_and_shown_in_order(tmp_path, docker_sandbox):
    repo, issue = copy_fixture("stats", tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c", "--allow-empty"],
        cwd=repo,
        check=True,
    )
    responder = StepResponder(
        {
            "reproduce": [mean_reproduction()],
            "act": [
                calls(call("view_file", path="textstats/stats.py")),
                calls(FIX_MEAN),
                submit("divide by the count"),
            ],
        },
        relevant=("mean",),
    )
    out = tmp_path / "out"
    result, requests = solve_scripted(
        responder, repo, issue, out, llm={"temperature": 0.2}, sandbox=docker_sandbox
    )
    assert result.patched and result.summary == "divide by the count"
    records = read_trajectory(out / "trajectory.jsonl")
    run = records[0]
    assert run["type"] == "run" and run["model"] == "scripted" and run["temperature"] == 0.2
    assert run["repowright_version"] and run["started"] and run["seed"] == 0 and len(run["commit"]) == 40
    model_calls = [r for r in records if r["type"] == "model_call"]
    assert len(model_calls) == len(requests)
    rebuilt = sorted(json.dumps(request_messages(records, c)[0], sort_keys=True) for c in model_calls)
    received = sorted(json.dumps(r["messages"], sort_keys=True) for r in requests)
    assert rebuilt == received  # every message of every call, exactly as sent
    act = [c for c in model_calls if c["step"] == "act"]
    sent_tools = [r["tools"] for r in requests if r.get("tools")]
    assert all(request_messages(records, c)[1] == sent_tools[0] for c in act)
    stored = sum(r["type"] == "message" for r in records)
    assert stored < sum(len(r["messages"]) for r in requests)  # repeated prefixes are stored once

    def show(*flags: str) -> str:
        done = run_cli("trajectory", "show", str(out), *flags, cwd=tmp_path, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    plain = show()
    rows = [re.match(r"^\s*(\d+)\s+[\d.]+s(?: #\d+)? (\w+)", line) for line in plain.splitlines()]
    numbers, steps = [int(m.group(1)) for m in rows if m], [m.group(2) for m in rows if m]
    assert numbers == list(range(len(numbers))) and len(numbers) == len(plain.splitlines())
    assert (
        steps[0] == "run" and steps[-1] == "end" and {"model_call", "tool_call", "validation"} <= set(steps)
    )
    assert steps.count("model_call") == len(model_calls) and "divide by the count" in plain
    assert "returns 6.0 but the mean of 2, 4 and 6 is 4.0" in show(
        "--messages"
    )  # the requests, as the model got them


def test_a_resumed_run_is_shown_as_continued():
    """`trajectory show` names the record a resumed solve writes instead of dumping it raw."""
    from repowright.agent.cli.trajectory_cmd import describe

    line = describe({"type": "resumed", "model": "m", "temperature": 0.0, "commit": "0123456789abcdef"})
    assert line.startswith("continued after an interruption: model m (temperature 0.0)")
    assert "commit 0123456789ab," in line
