"""The solve pipeline as a langgraph StateGraph: the graph definition below is the pipeline's table of contents."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from langgraph.graph import END, START, StateGraph

from repowright.sandbox import Sandbox, Session

from ..env.prepare import RepoEnvironment
from ..llm import LLM, LLMError
from ..prompts import render
from .act import Actor
from .budget import Budget, BudgetMeter
from .steps import TracedLLM, ask, summarize_prompt, write_reproduction
from .tools import ToolBox, format_result
from .trajectory import Trajectory
from .validate import validate_patch
from .workspace import Workspace


class SolveState(TypedDict, total=False):
    """What flows between the steps of one candidate (plain data, so it can be logged and checkpointed)."""

    issue: str
    sample: int
    localization: dict[str, Any]
    summary: str
    analysis: str
    plan: str
    reproduction: dict[str, str] | None
    messages: list[dict[str, Any]]
    attempt: int
    submitted: bool
    stop_reason: str | None
    patch: str
    validation: dict[str, Any]
    attempts: list[dict[str, Any]]
    error: str | None


@dataclass
class SolveContext:
    """The resources the steps share (not state): model, sandbox, graph, budget, trajectory."""

    repo: Path
    llm: LLM
    sandbox: Sandbox
    budget: Budget
    meter: BudgetMeter
    trajectory: Trajectory
    test_cmd: str | None = None
    include_secrets: bool = False  # copy secret files (.env, keys) into the sandbox: only when the user asks
    venv: Path | None = None  # the repository's Python environment for commands and checks (None: ours)
    environment: RepoEnvironment | None = None  # how that environment came about (for the result)
    progress: Callable[[str], None] | None = None
    build_graph: Callable[[], Any] | None = None
    locate: Callable[[Any, str, int, Any], Any] | None = None
    kg: Any = None
    localization: dict[str, Any] | None = None
    summary: str | None = None
    session: Session | None = None  # the current candidate's session, opened and closed by the caller
    workspace: Workspace | None = None
    actor: Actor | None = None
    temperature: float | None = None


def step(name: str, *, always: bool = False):
    """Wrap a node: report progress, log it, skip it after an error or a spent budget (unless `always`),
    and turn model failures into state."""

    def wrap(fn: Callable[[SolveContext, SolveState], dict[str, Any]]):
        @functools.wraps(fn)
        def node(ctx: SolveContext, state: SolveState) -> dict[str, Any]:
            if (state.get("error") or state.get("stop_reason")) and not always:
                return {}
            if ctx.progress:
                ctx.progress(name)
            ctx.trajectory.log("step", sample=state.get("sample", 0), name=name)
            spent = None if always else ctx.meter.spent()
            if spent:
                ctx.trajectory.log("stop", sample=state.get("sample", 0), step=name, reason=spent)
                return {"stop_reason": spent}
            try:
                return fn(ctx, state)
            except LLMError as exc:
                ctx.trajectory.log("error", sample=state.get("sample", 0), step=name, message=str(exc))
                return {"error": str(exc)}

        return node

    return wrap


@step("load_graph")
def load_graph(ctx: SolveContext, state: SolveState) -> dict[str, Any]:
    if ctx.kg is None and ctx.build_graph is not None:
        ctx.kg = ctx.build_graph()
        ctx.trajectory.log("graph", stats=getattr(ctx.kg, "stats", {}))
    return {}


@step("explore")
def explore(ctx: SolveContext, state: SolveState) -> dict[str, Any]:
    if ctx.localization is None:
        calls_left = ctx.budget.max_model_calls - ctx.llm.usage.calls
        traced = TracedLLM(ctx.llm, ctx.trajectory, "explore", state["sample"])
        found = ctx.locate(ctx.kg, state["issue"], calls_left, traced) if ctx.locate and ctx.kg else None
        ctx.localization = found.to_dict() if found is not None else {}
        ctx.trajectory.log("localization", **ctx.localization)
    return {"localization": ctx.localization}


@step("summarize")
def summarize(ctx: SolveContext, state: SolveState) -> dict[str, Any]:
    if ctx.summary is None:
        stats = getattr(ctx.kg, "stats", {}) or {}
        prompt = summarize_prompt(ctx.repo, state["issue"], state.get("localization") or {}, dict(stats))
        ctx.summary = ask(ctx.llm, ctx.trajectory, "summarize", prompt, sample=state["sample"])
    return {"summary": ctx.summary}


@step("analyze")
def analyze(ctx: SolveContext, state: SolveState) -> dict[str, Any]:
    prompt = render("solve_analyze", issue=state["issue"], summary=state["summary"])
    return {
        "analysis": ask(
            ctx.llm, ctx.trajectory, "analyze", prompt, sample=state["sample"], temperature=ctx.temperature
        )
    }


@step("plan")
def plan(ctx: SolveContext, state: SolveState) -> dict[str, Any]:
    prompt = render("solve_plan", issue=state["issue"], analysis=state["analysis"])
    return {
        "plan": ask(
            ctx.llm, ctx.trajectory, "plan", prompt, sample=state["sample"], temperature=ctx.temperature
        )
    }


@step("reproduce")
def reproduce(ctx: SolveContext, state: SolveState) -> dict[str, Any]:
    """Write the reproduction test, set up the workspace around it, and see it fail."""
    repro, why = write_reproduction(
        ctx.llm,
        ctx.trajectory,
        ctx.repo,
        state["issue"],
        state["analysis"],
        sample=state["sample"],
        temperature=ctx.temperature,
    )
    if repro is None:
        ctx.trajectory.log("reproduction", sample=state["sample"], usable=False, reason=why)
    assert ctx.session is not None
    ctx.workspace = Workspace(
        ctx.session,
        ctx.repo,
        timeout=ctx.budget.tool_timeout,
        exclude_from_diff=(repro["path"],) if repro else (),
        include_secrets=ctx.include_secrets,
    )
    tools = ToolBox(ctx.workspace, ctx.kg, test_cmd=ctx.test_cmd, timeout=ctx.budget.tool_timeout)
    ctx.actor = Actor(
        ctx.llm, tools, ctx.meter, ctx.trajectory, sample=state["sample"], temperature=ctx.temperature
    )
    if repro:
        ctx.workspace.write_text(repro["path"], repro["content"])
        result = ctx.workspace.exec(repro["command"])
        repro = {**repro, "before": format_result(result, ctx.budget.tool_timeout)[:3000]}
        ctx.trajectory.log("reproduction", sample=state["sample"], usable=True, **repro)
    messages = [
        {"role": "system", "content": render("solve_system")},
        {
            "role": "user",
            "content": render(
                "solve_act",
                issue=state["issue"],
                analysis=state["analysis"],
                plan=state["plan"],
                reproduction=repro,
                test_cmd=ctx.test_cmd,
                locations=(state.get("localization") or {}).get("functions", [])[:8],
            ),
        },
    ]
    return {"reproduction": repro, "messages": messages, "attempt": 0, "attempts": []}


@step("act")
def act(ctx: SolveContext, state: SolveState) -> dict[str, Any]:
    assert ctx.actor is not None
    outcome = ctx.actor.run(state["messages"])
    if outcome.stop_reason:
        ctx.trajectory.log("stop", sample=state["sample"], reason=outcome.stop_reason)
    return {
        "messages": outcome.messages,
        "submitted": outcome.submitted,
        "stop_reason": outcome.stop_reason,
        "attempt": state.get("attempt", 0) + 1,
    }


@step("make_patch", always=True)
def make_patch(ctx: SolveContext, state: SolveState) -> dict[str, Any]:
    patch = ctx.workspace.diff() if ctx.workspace is not None else ""
    ctx.trajectory.log("patch", sample=state.get("sample", 0), attempt=state.get("attempt", 0), patch=patch)
    return {"patch": patch}


@step("validate", always=True)
def validate(ctx: SolveContext, state: SolveState) -> dict[str, Any]:
    if not state.get("patch", "").strip():
        result: dict[str, Any] = {"checks": {}, "details": {"applies": "no change was made"}, "score": 0}
    else:
        result = validate_patch(
            ctx.sandbox,
            ctx.repo,
            state["patch"],
            budget=ctx.budget,
            reproduction=state.get("reproduction"),
            test_cmd=ctx.test_cmd,
            kg=ctx.kg,
            include_secrets=ctx.include_secrets,
            venv=ctx.venv,
        ).to_dict()
    ctx.trajectory.log("validation", sample=state.get("sample", 0), attempt=state.get("attempt", 0), **result)
    attempts = [
        *state.get("attempts", []),
        {"attempt": state.get("attempt", 0), "patch": state.get("patch", ""), **result},
    ]
    return {"validation": result, "attempts": attempts}


def retry_or_stop(ctx: SolveContext, state: SolveState) -> str:
    """Retry when a check failed and there is budget, a patch, and no hard stop; otherwise stop."""
    checks = state.get("validation", {}).get("checks", {})
    # A reproduction test that passed before the patch is a weak test, not something a new edit can repair.
    failed = [k for k, v in checks.items() if v is False and k != "reproduction_fails_before"]
    failed = failed or ([] if state.get("patch") else ["no change"])
    if not failed or state.get("error") or state.get("stop_reason"):
        return "stop"
    if state.get("attempt", 0) >= ctx.budget.max_attempts or ctx.meter.spent():
        return "stop"
    return "retry"


@step("feedback")
def feedback(ctx: SolveContext, state: SolveState) -> dict[str, Any]:
    """Tell the model which checks failed and what they printed, then act again."""
    validation = state["validation"]
    details = "\n\n".join(f"{k}:\n{v}" for k, v in validation.get("details", {}).items())
    message = render(
        "solve_retry",
        attempt=state["attempt"],
        max_attempts=ctx.budget.max_attempts,
        checks=validation.get("checks", {}) or {"applies": False},
        details=details,
    )
    return {"messages": [*state["messages"], {"role": "user", "content": message}], "submitted": False}


def build_solve_graph(ctx: SolveContext):
    """The compiled StateGraph of one candidate, bound to `ctx`."""
    graph = StateGraph(SolveState)
    nodes = {
        "load_graph": load_graph,
        "explore": explore,
        "summarize": summarize,
        "analyze": analyze,
        "plan": plan,
        "reproduce": reproduce,
        "act": act,
        "make_patch": make_patch,
        "validate": validate,
        "feedback": feedback,
    }
    for name, fn in nodes.items():
        graph.add_node(name, functools.partial(fn, ctx))
    graph.add_edge(START, "load_graph")
    graph.add_edge("load_graph", "explore")
    graph.add_edge("explore", "summarize")
    graph.add_edge("summarize", "analyze")
    graph.add_edge("analyze", "plan")
    graph.add_edge("plan", "reproduce")
    graph.add_edge("reproduce", "act")
    graph.add_edge("act", "make_patch")
    graph.add_edge("make_patch", "validate")
    graph.add_conditional_edges(
        "validate", functools.partial(retry_or_stop, ctx), {"retry": "feedback", "stop": END}
    )
    graph.add_edge("feedback", "act")
    return graph.compile()
