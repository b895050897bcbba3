"""Faults and limits: none of them may crash a run; each is handled the way the issue describes."""

from __future__ import annotations

import io
import json

import pytest

from repowright.agent.solve import Budget, solve_issue
from repowright.agent.solve.context import estimate_tokens
from repowright.agent.solve.trajectory import read_trajectory
from tests.agent.solve.scripted import (
    FIX_MEAN,
    StepResponder,
    calls,
    copy_fixture,
    mean_reproduction,
    settings_for,
    solve_scripted,
    submit,
)
from tests.scripted_server import Fault, Reply, ScriptedServer

pytestmark = pytest.mark.docker


def run(tmp_path, sandbox, act, *, budget=None, llm=None, script=None, **kwargs):
    """Solve the stats fixture with the given act replies; returns (result, records, responder, server requests)."""
    repo, issue = copy_fixture("stats", tmp_path)
    responder = StepResponder({"act": act, **(script or {})})
    result, requests = solve_scripted(
        responder,
        repo,
        issue,
        tmp_path / "out",
        llm=llm,
        budget=budget or Budget(tool_timeout=30),
        sandbox=sandbox,
        **kwargs,
    )
    return result, read_trajectory(tmp_path / "out" / "trajectory.jsonl"), responder, requests


def tool_messages(body):
    return [m["content"] for m in body["messages"] if m["role"] == "tool"]


def test_server_500s_and_timeouts_are_retried(tmp_path, docker_sandbox):
    # the timeout fault hangs until the server stops: only it outlasts the client's 5 s, whatever the load
    result, records, _, _ = run(
        tmp_path,
        docker_sandbox,
        [Fault("timeout"), calls(FIX_MEAN), Fault("500"), submit("fixed")],
        script={"summarize": [Fault("500"), Fault("500"), Reply(content="a summary")]},
        llm={"timeout": 5.0},
    )
    assert result.status == "patched" and result.checks["applies"]
    assert result.tokens["retries"] == 4  # one per injected fault
    assert records[-1]["type"] == "end"


def test_a_server_that_keeps_failing_ends_the_run_with_an_error(tmp_path, docker_sandbox):
    result, records, _, requests = run(
        tmp_path, docker_sandbox, [], script={"summarize": [Fault("500")] * 10}
    )
    assert result.status == "error" and "failed 3 times" in result.error
    assert len([r for r in requests if "[step: summarize]" in json.dumps(r)]) == 3
    assert [r["type"] for r in records][-1] == "end"
    assert (tmp_path / "out" / "report.html").exists() and (tmp_path / "out" / "patch.diff").read_text() == ""


def test_malformed_tool_calls_get_a_correction_then_the_run_goes_on(tmp_path, docker_sandbox):
    act = [
        Fault("malformed_tool_call"),
        Reply(tool_calls=[("delete_everything", {})]),
        Reply(tool_calls=[("view_file", {"path": "textstats/stats.py", "start_line": "one"})]),
        calls(FIX_MEAN),
        submit("fixed"),
    ]
    result, records, responder, _ = run(tmp_path, docker_sandbox, act)
    assert result.status == "patched"
    corrections = tool_messages(responder.seen["act"][3])
    assert "not valid JSON" in corrections[0] and "4 more malformed" in corrections[0]
    assert "no tool named 'delete_everything'" in corrections[1]
    assert "must be a integer" in corrections[2] and "2 more" in corrections[2]
    assert sum(1 for r in records if r["type"] == "tool_call" and not r["ok"]) == 3


def test_the_error_budget_stops_a_model_that_keeps_sending_garbage(tmp_path, docker_sandbox):
    result, records, _, _ = run(
        tmp_path,
        docker_sandbox,
        [Fault("malformed_tool_call")] * 10,
        budget=Budget(max_tool_errors=2, tool_timeout=30),
    )
    assert result.status == "no_patch"
    stop = next(r for r in records if r["type"] == "stop")
    assert "too many malformed or failing tool calls (3)" in stop["reason"]


def test_several_megabytes_of_tool_output_are_truncated(tmp_path, docker_sandbox):
    act = [
        Reply(tool_calls=[("run_command", {"command": "python -c \"print('x' * 5_000_000)\""})]),
        Reply(
            tool_calls=[("view_file", {"path": "textstats/stats.py", "start_line": 1, "end_line": 100000})]
        ),
        calls(FIX_MEAN),
        submit("fixed"),
    ]
    result, records, responder, _ = run(tmp_path, docker_sandbox, act)
    assert result.status == "patched"
    shown = tool_messages(responder.seen["act"][1])[0]
    assert len(shown) < 13_000 and "characters truncated" in shown and shown.startswith("exit code 0")
    logged = next(r for r in records if r["type"] == "tool_call" and r["name"] == "run_command")
    assert logged["result_chars"] > 1_000_000  # the sandbox kept 1 MiB; the model saw 12,000 characters


def test_edits_with_missing_or_ambiguous_search_text_are_refused(tmp_path, docker_sandbox):
    act = [
        Reply(
            tool_calls=[("edit_file", {"path": "textstats/stats.py", "search": "len(vals)", "replace": "x"})]
        ),
        Reply(
            tool_calls=[("edit_file", {"path": "textstats/stats.py", "search": "values", "replace": "xs"})]
        ),
        calls(FIX_MEAN),
        submit("fixed"),
    ]
    result, _, responder, _ = run(tmp_path, docker_sandbox, act)
    assert result.status == "patched" and "xs" not in result.patch
    missing, ambiguous = tool_messages(responder.seen["act"][2])
    assert "the search text was not found in textstats/stats.py" in missing
    assert "occurs 7 times" in ambiguous


def test_a_hanging_test_command_is_killed_and_reported(tmp_path, docker_sandbox):
    act = [calls(FIX_MEAN), Reply(tool_calls=[("run_tests", {})]), submit("fixed")]
    # the limit applies to every command of the run, so it is far above what the others take under load
    result, records, responder, _ = run(
        tmp_path, docker_sandbox, act, test_cmd="sleep 600", budget=Budget(tool_timeout=10, max_attempts=1)
    )
    assert result.status == "patched"
    assert "timed out after 10 s" in tool_messages(responder.seen["act"][2])[-1]
    assert result.checks["existing_tests_pass"] is False and result.checks["applies"] is True
    validation = next(r for r in records if r["type"] == "validation")
    assert "timed out" in validation["details"]["existing_tests"]


def test_step_budget(tmp_path, docker_sandbox):
    view = Reply(tool_calls=[("list_dir", {})])
    result, records, _, _ = run(
        tmp_path, docker_sandbox, [view] * 10, budget=Budget(max_steps=3, tool_timeout=30)
    )
    assert result.status == "no_patch"
    assert any("step budget spent (3 of 3)" in r.get("reason", "") for r in records if r["type"] == "stop")
    assert sum(1 for r in records if r["type"] == "model_call" and r["step"] == "act") == 3


@pytest.mark.parametrize(
    "limits, reason",
    [
        (dict(max_model_calls=4), "model-call budget spent (4 of 4)"),
        (dict(max_tokens=1500), "token budget spent"),
        (dict(max_seconds=0.0), "wall-time budget spent"),
    ],
)
def test_call_token_and_time_budgets(tmp_path, docker_sandbox, limits, reason):
    result, records, _, requests = run(
        tmp_path,
        docker_sandbox,
        [Reply(tool_calls=[("list_dir", {})])] * 10,
        budget=Budget(tool_timeout=30, **limits),
    )
    assert result.status == "no_patch"
    assert any(reason in r.get("reason", "") for r in records if r["type"] == "stop")
    assert len(requests) <= limits.get("max_model_calls", 10)
    assert records[-1]["type"] == "end"


def test_context_stays_within_the_window(tmp_path, docker_sandbox):
    window = 4000
    act = [Reply(tool_calls=[("run_command", {"command": f"seq {i} 3000"})]) for i in range(8)]
    act += [calls(FIX_MEAN), submit("fixed")]
    result, _, responder, _ = run(
        tmp_path,
        docker_sandbox,
        act,
        llm={"context_window": window},
        budget=Budget(tool_timeout=30, max_tool_output=6000),
    )
    assert result.status == "patched"
    sizes = [estimate_tokens(body["messages"]) for body in responder.seen["act"]]
    assert max(sizes) <= window
    assert any("Summary of earlier steps" in json.dumps(body["messages"]) for body in responder.seen["act"])


def test_interrupt_leaves_a_readable_trajectory_and_report(tmp_path, docker_sandbox):
    def progress(message: str) -> None:
        if message.endswith("make_patch"):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(
            tmp_path,
            docker_sandbox,
            [calls(FIX_MEAN), submit("fixed")],
            progress=progress,
        )
    out = tmp_path / "out"
    lines = (out / "trajectory.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]  # every line is whole JSON
    assert [r["type"] for r in records][-2:] == ["interrupted", "end"]
    assert any(r["type"] == "tool_call" and r["name"] == "edit_file" for r in records)
    assert json.loads((out / "result.json").read_text())["error"] == "interrupted"
    assert "interrupted" in (out / "report.html").read_text()


def test_samples_choose_the_candidate_passing_most_checks(tmp_path, docker_sandbox):
    wrong = (
        "edit_file",
        {"path": "textstats/stats.py", "search": "(len(values) - 1)", "replace": "(len(values) + 1)"},
    )
    repro = mean_reproduction()
    act = [
        Reply(tool_calls=[wrong]),
        submit("fixed"),
        calls(FIX_MEAN),
        submit("fixed"),
    ]
    result, records, responder, _ = run(
        tmp_path,
        docker_sandbox,
        act,
        samples=2,
        script={"reproduce": [repro, repro]},
        budget=Budget(tool_timeout=30, max_attempts=1),
    )
    assert [c["score"] for c in result.candidates] == [4, 5]
    assert result.status == "patched" and "+    return sum(values) / len(values)" in result.patch
    assert next(r for r in records if r["type"] == "end")["chosen"] == 1
    assert "(len(values) + 1)" in (tmp_path / "out" / "candidates" / "sample-0.diff").read_text()
    temperatures = [body.get("temperature") for body in responder.seen["analyze"]]
    assert temperatures == [0.0, 0.7]


def test_a_server_without_tool_calling_gets_the_text_format(tmp_path, docker_sandbox):
    repo, issue = copy_fixture("stats", tmp_path)
    responder = StepResponder({"act": [calls(FIX_MEAN), submit("fixed")]})
    with ScriptedServer(responder=responder, native_tools=False) as srv:
        result = solve_issue(
            repo,
            issue,
            settings_for(srv.base_url),
            tmp_path / "out",
            sandbox=docker_sandbox,
            budget=Budget(tool_timeout=30),
        )
    assert result.status == "patched" and result.checks["applies"]
    last = responder.seen["act"][-1]
    assert (
        "tools" not in last and "<tool_call>" in last["messages"][-1]["content"]
    )  # the format's instructions
    assert any('<tool_result name="edit_file">' in (m.get("content") or "") for m in last["messages"])


class SmallWindowServer(ScriptedServer):
    """A scripted server whose real window is smaller than configured: long prompts get vLLM's 400."""

    def __init__(self, limit_chars: int, **kwargs) -> None:
        self.limit_chars = limit_chars
        self.refused = 0
        super().__init__(**kwargs)

    def _handler_class(self):
        base, server = super()._handler_class(), self

        class Handler(base):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if len(json.dumps(json.loads(raw).get("messages", []))) > server.limit_chars:
                    server.refused += 1
                    self._error(
                        400,
                        "This model's maximum context length is 4096 tokens. However, you "
                        "requested 9000 tokens in the messages. Please reduce the length.",
                    )
                    return
                self.rfile = io.BytesIO(raw)
                super().do_POST()

        return Handler


def test_a_server_with_a_smaller_window_than_configured(tmp_path, docker_sandbox):
    repo, issue = copy_fixture("stats", tmp_path)
    act = [Reply(tool_calls=[("run_command", {"command": f"seq {i} 2500"})]) for i in range(6)]
    responder = StepResponder({"act": [*act, calls(FIX_MEAN), submit("fixed")]})
    with SmallWindowServer(24_000, responder=responder) as srv:
        result = solve_issue(
            repo,
            issue,
            settings_for(srv.base_url, context_window=32768),
            tmp_path / "out",
            sandbox=docker_sandbox,
            budget=Budget(tool_timeout=30),
        )
    assert srv.refused >= 1
    assert result.status == "patched" and result.checks["applies"]
    records = read_trajectory(tmp_path / "out" / "trajectory.jsonl")
    assert [r["window"] for r in records if r["type"] == "context"][0] == 16384
