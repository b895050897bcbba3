"""Resumable solve: `repowright solve` killed (SIGKILL) during explore, act and validate, then rerun with the same
--out, ends with the same result as an uninterrupted run, and does not repeat the model calls of finished steps.

The scripted model answers by what a request holds (its step, its temperature, how far its conversation got),
never by how many requests came before, so a step run again gets the same replies.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docker
import pytest

from repowright.agent.solve.trajectory import read_trajectory
from repowright.sandbox.docker_sandbox import docker_client
from repowright.sandbox.owner import PID
from tests.agent.solve.scripted import copy_fixture, step_of
from tests.scripted_server import Fault, Reply, ScriptedServer

pytestmark = pytest.mark.docker
REPRO = {
    "path": "test_repro.py",
    "content": "from textstats.stats import mean\n\n\ndef test_mean():\n    assert mean([2, 4, 6]) == 4.0\n",
    "command": "python -m pytest -q -p no:cacheprovider test_repro.py",
}
# sample 0 (temperature 0) and sample 1 (0.7) fix the bug in two ways; only sample 1 has a reproduction test
EDITS = {
    0.0: {"path": "textstats/stats.py", "search": "(len(values) - 1)", "replace": "len(values)"},
    0.7: {"path": "textstats/stats.py", "search": "(len(values) - 1)", "replace": "float(len(values))"},
}
TEST_CMD = (
    "sleep 2; python -m pytest -q -p no:cacheprovider tests"  # validation lasts long enough to be killed in
)


def assistant_turns(body: dict[str, Any]) -> int:
    return sum(1 for m in body["messages"] if m["role"] == "assistant")


class Model:
    """The scripted model; `hold(body, step)` picks the one request to leave hanging (where the test kills)."""

    def __init__(self, hold: Callable[[dict[str, Any], str], bool] | None = None) -> None:
        self.hold, self.held = hold, False

    def __call__(self, body: dict[str, Any]) -> Reply | Fault:
        step, temperature = step_of(body), body.get("temperature")
        if self.hold and not self.held and self.hold(body, step):
            self.held = True
            return Fault("timeout")  # hangs until the server stops; the test kills the client meanwhile
        if step == "other":
            candidate = re.search(r"Candidate \w+ `([^`]+)`", body["messages"][-1]["content"])
            return Reply(content="9" if candidate and "mean" in candidate.group(1) else "2")
        if step == "analyze":
            return Reply(content=f"analysis at temperature {temperature}")
        if step == "reproduce":
            usable = "analysis at temperature 0.7" in body["messages"][-1]["content"]
            return Reply(content=json.dumps(REPRO) if usable else "no test for this one")
        if step == "act":
            turn = assistant_turns(body)
            calls = [("view_file", {"path": "textstats/stats.py"}), ("edit_file", EDITS[temperature])]
            return Reply(
                tool_calls=[calls[turn] if turn < 2 else ("submit", {"summary": f"fix {temperature}"})]
            )
        return Reply(content=f"scripted {step}")


def solve(repo: Path, issue: str, out: Path, url: str, *, parallel: int = 1) -> subprocess.Popen:
    """`repowright solve` of two candidates in a child process (its own user cache and config beside `out`)."""
    env = {
        **os.environ,
        "REPOWRIGHT_CACHE_DIR": str(out.parent / "cache"),
        "XDG_CONFIG_HOME": str(out.parent / "config"),
        "REPOWRIGHT_BASE_URL": url,
        "REPOWRIGHT_MODEL": "scripted",
        "REPOWRIGHT_API_KEY": "x",
        "REPOWRIGHT_RETRY_BACKOFF": "0.01",
        "REPOWRIGHT_TIMEOUT": "600",
        "REPOWRIGHT_SANDBOX_TIMEOUT": "60",
    }
    args = ["--issue", issue, "--out", str(out), "--samples", "2", "--parallel", str(parallel)]
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "repowright.agent.cli.main",
            "solve",
            str(repo),
            *args,
            "--test-cmd",
            TEST_CMD,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(child: subprocess.Popen) -> dict[str, Any]:
    _, stderr = child.communicate(timeout=900)
    assert child.returncode == 0, stderr
    return outcome(child.args[child.args.index("--out") + 1])


def outcome(out: str) -> dict[str, Any]:
    """What must not depend on interruptions: the patch, the chosen candidate, the verdict and every candidate's."""
    result = json.loads((Path(out) / "result.json").read_text())
    end = read_trajectory(Path(out) / "trajectory.jsonl")[-1]
    return {
        "patch": (Path(out) / "patch.diff").read_text(),
        "chosen": end["chosen"],
        "status": result["status"],
        "checks": result["checks"],
        "candidates": [(c["sample"], c["score"], c["checks"]) for c in result["candidates"]],
    }


def kill_when(child: subprocess.Popen, reached: Callable[[], bool]) -> None:
    """SIGKILL the run once `reached()`, and remove the sandbox containers it leaves behind."""
    while not reached():
        assert child.poll() is None, child.communicate()[1]
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    left = {"label": f"{PID}={child.pid}"}
    # sparse: no inspect per container, which fails when one is reaped between the list and the inspect
    while containers := docker_client().containers.list(all=True, filters=left, sparse=True):
        for container in containers:
            try:
                container.remove(force=True)
            except (
                docker.errors.APIError
            ):  # already being removed (the engine reaps containers of dead owners)
                pass
        time.sleep(0.2)


def steps_logged(out: Path) -> list[tuple[int, str]]:
    path = out / "trajectory.jsonl"
    records = read_trajectory(path) if path.exists() else []
    return [(r.get("sample", 0), r["name"]) for r in records if r["type"] == "step"]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> dict[str, Any]:
    """The result of a run nobody kills (both candidates at once: the order they run in must not matter)."""
    tmp = tmp_path_factory.mktemp("whole")
    repo, issue = copy_fixture("stats", tmp)
    with ScriptedServer(responder=Model()) as srv:
        result = finished(solve(repo, issue, tmp / "out", srv.base_url, parallel=2))
    assert result["status"] == "patched" and result["chosen"] == 1, result
    assert [score for _, score, _ in result["candidates"]] == [3, 5]
    assert not (tmp / "out" / "checkpoints.sqlite").exists()  # a finished run keeps only its outputs
    records = read_trajectory(tmp / "out" / "trajectory.jsonl")
    first_of_1 = next(i for i, r in enumerate(records) if r["type"] == "step" and r["sample"] == 1)
    validated_0 = next(i for i, r in enumerate(records) if r["type"] == "validation" and r["sample"] == 0)
    assert first_of_1 < validated_0  # --parallel 2: candidate 1 started before candidate 0 was done
    return result


def interrupted_then_resumed(tmp_path, hold, reached) -> tuple[list[dict], list[dict], Path]:
    """Kill a run where `reached()` says, rerun it with the same --out; the requests of each run, and --out."""
    repo, issue = copy_fixture("stats", tmp_path)
    out = tmp_path / "out"
    model = Model(hold)
    with ScriptedServer(responder=model) as srv:
        kill_when(solve(repo, issue, out, srv.base_url), lambda: reached(model, out))
        first = len(srv.requests)
        assert (out / "checkpoints.sqlite").exists()
        result = finished(solve(repo, issue, out, srv.base_url))
        requests = list(srv.requests)
    return requests[:first], requests[first:], out, result


def steps_of(requests: list[dict]) -> list[str]:
    return [step_of(body) for body in requests]


def test_killed_during_explore(tmp_path, uninterrupted):
    before, after, out, result = interrupted_then_resumed(
        tmp_path, lambda body, step: step == "other", lambda model, out: model.held
    )
    assert result == uninterrupted
    assert set(steps_of(before)) == {"other"}  # killed while the explorer asked the model
    records = read_trajectory(out / "trajectory.jsonl")
    resumed = next(i for i, r in enumerate(records) if r["type"] == "resumed")
    assert ("load_graph" in [r.get("name") for r in records[:resumed]]) and "load_graph" not in [
        r.get("name") for r in records[resumed:]
    ]  # the finished step is not run again; explore is
    assert steps_of(after).count("summarize") == 1 and steps_of(after).count("analyze") == 2


def test_killed_during_act(tmp_path, uninterrupted):
    def hold(body, step):  # the second candidate's last act call, after its edit
        return step == "act" and body.get("temperature") == 0.7 and assistant_turns(body) == 2

    before, after, _, result = interrupted_then_resumed(tmp_path, hold, lambda model, out: model.held)
    assert result == uninterrupted
    assert steps_of(before).count("act") == 6  # candidate 0's three, candidate 1's three (the last one hung)
    # the rerun repeats only candidate 1's unfinished act step: nothing of the understanding nor of candidate 0
    assert steps_of(after) == ["act", "act", "act"]
    assert all(body.get("temperature") == 0.7 for body in after)


def test_killed_during_validate(tmp_path, uninterrupted):
    def validating(model, out):  # candidate 1 started validating and has not finished
        return (1, "validate") in steps_logged(out)

    before, after, out, result = interrupted_then_resumed(tmp_path, None, validating)
    assert result == uninterrupted
    records = read_trajectory(out / "trajectory.jsonl")
    resumed = next(i for i, r in enumerate(records) if r["type"] == "resumed")
    assert [r["sample"] for r in records[:resumed] if r["type"] == "validation"] == [0]  # killed during 1's
    assert after == []  # every model step had finished: the rerun asks the model nothing
    assert [r["sample"] for r in records[resumed:] if r["type"] == "validation"] == [1]


def test_a_fresh_workspace_gets_the_patch_so_far_back(docker_sandbox):
    """What a resumed candidate relies on: its patch so far, applied in a new sandbox, is the same change."""
    from repowright.agent.solve.workspace import SessionFactory, Workspace
    from repowright.sandbox import Limits
    from tests.agent.solve.scripted import DATA

    repo = DATA / "stats" / "repo"
    sessions = SessionFactory.with_limits(docker_sandbox, Limits(timeout=60))
    with sessions.open() as session:
        first = Workspace(session, repo, timeout=60, exclude_from_diff=("test_repro.py",))
        first.write_text("test_repro.py", REPRO["content"])
        first.write_text("textstats/new.py", "VALUE = 1\n")
        text = first.read_text("textstats/stats.py").replace("(len(values) - 1)", "len(values)")
        first.write_text("textstats/stats.py", text)
        patch = first.diff()
    assert "textstats/new.py" in patch and "test_repro.py" not in patch
    with sessions.open() as session:
        again = Workspace(session, repo, timeout=60)
        again.restore(patch)
        assert again.diff() == patch
        assert again.read_text("textstats/stats.py") == text
