"""The pipeline's shape and its retry decision."""

from __future__ import annotations

from types import SimpleNamespace

from repowright.agent.solve.budget import Budget
from repowright.agent.solve.graph import build_candidate_graph, build_understand_graph, retry_or_stop


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


def edges_of(graph) -> set[tuple[str, str]]:
    return {(e.source, e.target) for e in graph.get_graph().edges}


def chain(*names: str) -> set[tuple[str, str]]:
    return set(zip(names, names[1:], strict=False))


def test_graphs_read_as_the_pipeline():
    understand = edges_of(build_understand_graph())
    assert understand == chain("__start__", "load_graph", "explore", "summarize", "__end__")
    candidate = edges_of(build_candidate_graph())
    steps = ("analyze", "plan", "write_reproduction", "run_reproduction", "brief", "act", "make_patch")
    assert chain("__start__", *steps, "validate") <= candidate
    assert {("validate", "feedback"), ("validate", "__end__"), ("feedback", "act")} <= candidate
    assert not {"load_graph", "explore", "summarize"} & {n for edge in candidate for n in edge}
