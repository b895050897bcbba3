"""`repowright solve` as a user runs it: a real process, the scripted model server, a local GitHub stand-in."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from repowright.analyzers.cache import repository_cache_dir
from tests.agent.solve.scripted import (
    FIX_MEAN,
    StepResponder,
    calls,
    copy_fixture,
    mean_reproduction,
    model_env,
    submit,
)
from tests.agent.solve.test_github import FakeGitHub
from tests.cli import default_signals, isolated_folder, run_cli, scrubbed_env
from tests.scripted_server import Fault, ScriptedServer

SOLVE = [sys.executable, "-m", "repowright.agent.cli.main", "solve"]


def repowright(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`repowright solve ARGS` in a scrubbed environment (tests/cli.py)."""
    return run_cli("solve", *args, cwd=cwd, env=env, timeout=300)


def test_no_endpoint_is_a_one_line_error(tmp_path):
    proc = repowright(str(tmp_path), "--issue", "it breaks", cwd=tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: no model endpoint is configured")
    assert "REPOWRIGHT_BASE_URL" in lines[0] and "repowright serve" in lines[0]


def test_exactly_one_issue_source(tmp_path):
    env = model_env("http://127.0.0.1:9/v1")
    proc = repowright(str(tmp_path), "--issue", "a", "--issue-file", "b.md", cwd=tmp_path, env=env)
    assert proc.returncode == 2 and "exactly one of --issue" in proc.stderr
    proc = repowright(str(tmp_path), "--issue-file", str(tmp_path / "none.md"), cwd=tmp_path, env=env)
    assert proc.returncode == 2 and "cannot read --issue-file" in proc.stderr
    proc = repowright(str(tmp_path / "nope"), "--issue", "a", cwd=tmp_path, env=env)
    assert proc.returncode == 2 and "is not a directory" in proc.stderr


@pytest.mark.docker
def test_github_issue_json_output(tmp_path):
    repo, _ = copy_fixture("stats", tmp_path)
    responder = StepResponder({"reproduce": [mean_reproduction()], "act": [calls(FIX_MEAN), submit("fixed")]})
    with ScriptedServer(responder=responder) as srv, FakeGitHub() as gh:
        proc = repowright(
            str(repo),
            "--github",
            "octo/hello#7",
            "--json",
            "--out",
            str(tmp_path / "out"),
            "--max-steps",
            "5",
            "--max-seconds",
            "600",
            cwd=tmp_path,
            env={**model_env(srv.base_url), "GITHUB_API_URL": gh.url, "GITHUB_TOKEN": "t0k"},
        )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {"status", "patch", "checks", "tokens", "seconds"} <= set(data)
    assert data["status"] == "patched" and data["checks"]["reproduction_passes_after"] is True
    assert data["tokens"]["calls"] == len(srv.requests)
    assert "Crash on empty input" in responder.seen["analyze"][0]["messages"][1]["content"]
    assert gh.headers[0]["Authorization"] == "Bearer t0k"
    first = json.loads((tmp_path / "out" / "trajectory.jsonl").read_text().splitlines()[0])
    assert first["budget"]["max_steps"] == 5 and first["budget"]["max_seconds"] == 600
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "candidates",
        "patch.diff",
        "report.html",
        "result.json",
        "trajectory.jsonl",
    ]


@pytest.mark.docker
def test_ctrl_c_leaves_a_readable_trajectory(tmp_path):
    repo, issue = copy_fixture("slug", tmp_path)
    responder = StepResponder({"act": [Fault("timeout")]})  # the act call hangs until the interrupt
    with ScriptedServer(responder=responder) as srv:
        env = scrubbed_env(
            {
                **model_env(srv.base_url),
                "REPOWRIGHT_TIMEOUT": "600",
                "PYTHONFAULTHANDLER": "1",  # a SIGABRT below dumps every thread, should the run hang
            }
        )
        child = subprocess.Popen(
            [*SOLVE, str(repo), "--issue", issue],
            cwd=isolated_folder(tmp_path),
            env=env,
            preexec_fn=default_signals,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        while "act" not in responder.seen and child.poll() is None:
            time.sleep(
                0.2
            )  # no deadline of our own: a loaded machine only makes this slower (pytest-timeout)
        assert "act" in responder.seen, "the run never reached the act step"
        child.send_signal(signal.SIGINT)
        try:
            _, stderr = child.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGABRT)
            _, stderr = child.communicate(timeout=30)
            raise AssertionError(f"no exit within 60 s of Ctrl-C; its threads:\n{stderr[-6000:]}") from None
    (run_dir,) = (repository_cache_dir(repo) / "runs").iterdir()  # the user cache: the checkout stays clean
    assert not (repo / ".repowright").exists()
    assert (
        child.returncode == 130
        and f"interrupted: the trajectory and report so far are in {run_dir}" in stderr
    )
    records = [json.loads(line) for line in (run_dir / "trajectory.jsonl").read_text().splitlines()]
    assert [r["type"] for r in records][-2:] == ["interrupted", "end"]
    assert (run_dir / "report.html").exists() and (run_dir / "patch.diff").read_text() == ""
    from repowright.sandbox.docker_sandbox import LABEL, docker_client

    left = docker_client().containers.list(
        all=True, sparse=True, filters={"label": [LABEL, f"repowright.pid={child.pid}"]}
    )
    assert not left
