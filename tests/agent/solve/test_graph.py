"""The pipeline's shape and its retry decision."""

from __future__ import annotations

from types import SimpleNamespace

from repowright.agent.solve.budget import Budget
from repowright.agent.solve.graph import build_solve_graph, retry_or_stop


def ctx(spent=None):
    return SimpleNamespace(budget=Budget(max_attempts=3), meter=SimpleNamespace(spent=lambda: spent))


def state(checks, **extra):
    return {"validation": {"checks": checks}, "patch": "diff", "attempt": 1, **extra}


def test_retry_only_for_failures_an_edit_can_repair():
    assert retry_or_stop(ctx(), state({"applies": True, "reproduction_passes_after": False})) == "retry"
    assert retry_or_stop(ctx(), state({"applies": True, "existing_tests_pass": False})) == "retry"
    assert retry_or_stop(ctx(), state({"applies": True, "reproduction_passes_after": True})) == "stop"
    assert (
        retry_or_stop(ctx(), state({"reproduction_fails_before": False, "reproduction_passes_after": True}))
        == "stop"
    )
    assert retry_or_stop(ctx(), {"validation": {"checks": {}}, "patch": "", "attempt": 1}) == "retry"


def test_no_retry_past_the_limits():
    failing = {"applies": False}
    assert retry_or_stop(ctx(), state(failing, attempt=3)) == "stop"
    assert retry_or_stop(ctx(spent="token budget spent"), state(failing)) == "stop"
    assert retry_or_stop(ctx(), state(failing, stop_reason="step budget spent")) == "stop"
    assert retry_or_stop(ctx(), state(failing, error="server down")) == "stop"


def test_graph_reads_as_the_pipeline():
    graph = build_solve_graph(ctx()).get_graph()
    edges = {(e.source, e.target) for e in graph.edges}
    chain = [
        "__start__",
        "load_graph",
        "explore",
        "summarize",
        "analyze",
        "plan",
        "reproduce",
        "act",
        "make_patch",
        "validate",
    ]
    assert set(zip(chain, chain[1:], strict=False)) <= edges
    assert {("validate", "feedback"), ("validate", "__end__"), ("feedback", "act")} <= edges
