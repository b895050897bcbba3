"""A hostile or broken model server against a whole solve run: floods, hangs, and echoed credentials."""

from __future__ import annotations

import json
import time

import pytest

from repowright.agent.solve import Budget, solve_issue
from tests.agent.solve.scripted import copy_fixture, settings_for
from tests.scripted_server import Fault, Reply, ScriptedServer

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("no_leftover_containers")]
FLOOD = "y" * 10_000_000  # 10 MB a reply


def test_ten_megabyte_replies_are_capped_counted_and_bounded_on_disk(tmp_path, docker_sandbox):
    repo, issue = copy_fixture("stats", tmp_path)

    def flood(body: dict) -> Reply:  # every step gets 10 MB and a usage that claims almost nothing
        return Reply(content=FLOOD, usage={"prompt_tokens": 3, "completion_tokens": 2})

    with ScriptedServer(responder=flood) as srv:
        settings = settings_for(srv.base_url, context_window=16384)
        result = solve_issue(
            repo,
            issue,
            settings,
            tmp_path / "out",
            sandbox=docker_sandbox,
            budget=Budget(tool_timeout=30, max_model_calls=12),
        )
    out = tmp_path / "out"
    assert result.tokens["completion_tokens"] >= len(FLOOD) // 4  # counted locally, not the server's 2
    assert result.tokens["calls"] < 12  # the real count spends the token budget early
    largest_prompt = max(len(json.dumps(r["messages"])) for r in srv.requests)
    assert largest_prompt // 4 <= 16384  # what is sent fits the window
    assert all(r["max_tokens"] <= settings.llm.max_output_tokens for r in srv.requests)
    assert (out / "trajectory.jsonl").stat().st_size < 2_000_000
    assert (out / "report.html").stat().st_size < 4_000_000


def test_a_hanging_server_stops_at_the_time_budget(tmp_path, docker_sandbox):
    repo, issue = copy_fixture("stats", tmp_path)
    with ScriptedServer(responder=lambda body: Fault("timeout", seconds=600)) as srv:
        settings = settings_for(srv.base_url, timeout=300.0, max_retries=3)
        start = time.monotonic()
        result = solve_issue(
            repo,
            issue,
            settings,
            tmp_path / "out",
            sandbox=docker_sandbox,
            budget=Budget(tool_timeout=30, max_seconds=10),
        )
        took = time.monotonic() - start
    assert result.status == "error" and "time budget" in result.error
    # generous and relative: one request timeout alone is 300 s (1,200 s with retries); the budget is 10 s
    assert took < settings.llm.timeout / 4


def test_an_echoed_api_key_is_in_no_output(tmp_path, docker_sandbox):
    repo, issue = copy_fixture("stats", tmp_path)
    key = "sk-user-key-0123456789"
    with ScriptedServer(responder=lambda body: Fault("echo_auth")) as srv:
        result = solve_issue(
            repo,
            issue,
            settings_for(srv.base_url, api_key=key),
            tmp_path / "out",
            sandbox=docker_sandbox,
            budget=Budget(tool_timeout=30),
        )
    assert result.status == "error" and "[redacted api_key]" in result.error and key not in result.error
    for name in ("result.json", "trajectory.jsonl", "report.html"):
        text = (tmp_path / "out" / name).read_text()
        assert key not in text, name
    assert "Bearer [redacted api_key]" in (tmp_path / "out" / "trajectory.jsonl").read_text()


def test_an_echoed_api_key_is_not_printed_by_the_cli(tmp_path):
    import os
    import subprocess
    import sys

    repo, issue = copy_fixture("stats", tmp_path)
    key = "sk-user-key-9876543210"
    with ScriptedServer(responder=lambda body: Fault("echo_auth")) as srv:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("REPOWRIGHT_")},
            "REPOWRIGHT_BASE_URL": srv.base_url,
            "REPOWRIGHT_MODEL": "scripted",
            "REPOWRIGHT_API_KEY": key,
            "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
        }
        for extra in ([], ["--json"]):
            proc = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "repowright.agent.cli.main",
                    "solve",
                    str(repo),
                    "--issue",
                    issue,
                    "--out",
                    str(tmp_path / f"out{len(extra)}"),
                    *extra,
                ],
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert proc.returncode == 1 and "answered 401" in proc.stdout + proc.stderr, proc.stderr
            assert key not in proc.stdout + proc.stderr
