"""How `solve` resolves an issue: two langgraph graphs, with data flowing one way.

    issue ─► UNDERSTAND  (once per issue; thread "understand")
             load_graph ─► explore (MCTS over the knowledge graph) ─► summarize
                                                               │
                                                               ▼  Understanding (frozen)
             ┌──────────────── one CANDIDATE per sample (--samples N, --parallel K) ───────────────┐
             │ analyze ─► plan ─► write_reproduction ─► run_reproduction ─► brief ─► act ─►        │
             │ make_patch ─► validate ─┬─ retry ─► feedback ─► act                                 │
             │                         └─ stop ──► END        (thread "candidate-<sample>")        │
             └────────────────────────────────────────────────────────────────────────────────────┘
                                                               │
    driver (run.py): the candidate passing most checks wins ◄──┘

State. Each graph's state is plain data (a TypedDict) saved by a SQLite checkpointer after every step
(`checkpoints.sqlite` in the run folder), so a killed `solve` rerun with the same `--out` continues each thread
from its last completed step. Nodes read the state and return updates; none changes anything shared.

Context. What is not data reaches the nodes through langgraph's runtime context: the run's read-only
`SolveContext` (model client, sandbox session factory, budget meter, trajectory, settings) and, for a candidate,
its own `CandidateResources` (sandbox session, workspace, tools), opened on first use from the state: `act`
returns the workspace's patch so far, so a resumed candidate gets it back in a fresh sandbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypedDict

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from ..llm import LLMError
from ..prompts import render
from .act import Actor
from .checkpoint import run_thread
from .node import Interrupted, step
from .resources import CandidateResources, SolveContext
from .steps import TracedLLM, ask, summarize_prompt, write_reproduction
from .tools import format_result
from .validate import validate_patch

# a compiled graph of either kind: its state, context, input and output types vary by graph
CompiledGraph = CompiledStateGraph[Any, Any, Any, Any]
LATER_SAMPLES_TEMPERATURE = 0.7  # the least temperature of candidates after the first, so they differ
ACT_LOCATIONS = 8  # the explorer's best functions named in the act prompt


# -- understand: once per issue -------------------------------------------------------------------------
class UnderstandState(TypedDict, total=False):
    """What the understanding steps pass on (plain data, checkpointed)."""

    issue: str
    stats: dict[str, Any]
    localization: dict[str, Any]
    summary: str
    error: str | None
    stop_reason: str | None


@dataclass(frozen=True)
class Understanding:
    """The result of the understand graph, the same input for every candidate; never changed."""

    issue: str
    localization: dict[str, Any] = field(default_factory=dict)
    summary: str = ""
    error: str | None = None
    stop_reason: str | None = None

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Understanding:
        return cls(
            state["issue"],
            state.get("localization") or {},
            state.get("summary", ""),
            state.get("error"),
            state.get("stop_reason"),
        )


@dataclass(frozen=True)
class UnderstandRun:
    """The understand graph's runtime context: the run's shared, read-only context."""

    ctx: SolveContext


# -- candidate: once per sample -------------------------------------------------------------------------
class CandidateState(TypedDict, total=False):
    """What flows between the steps of one candidate (plain data, checkpointed)."""

    issue: str
    sample: int
    temperature: float | None
    summary: str
    locations: list[dict[str, Any]]
    analysis: str
    plan: str
    reproduction: dict[str, str] | None
    messages: list[dict[str, Any]]
    attempt: int
    steps: int  # tool-loop turns so far, over every attempt
    tool_errors: int
    window: int | None  # the context window the server accepts, once it refused a longer prompt
    submitted: bool
    stop_reason: str | None
    patch: str  # the workspace's changes so far (the reproduction test left out)
    validation: dict[str, Any]
    attempts: list[dict[str, Any]]
    decision: str  # after validate: "retry" or "stop"
    error: str | None


@dataclass(frozen=True)
class CandidateRun:
    """A candidate graph's runtime context: the shared context, and the candidate's own sandbox resources."""

    ctx: SolveContext
    own: CandidateResources


def candidate_input(understanding: Understanding, sample: int, ctx: SolveContext) -> CandidateState:
    """A candidate's starting state: the understanding, its sample number and its temperature."""
    later = max(LATER_SAMPLES_TEMPERATURE, ctx.settings.llm.temperature)
    return {
        "issue": understanding.issue,
        "sample": sample,
        "temperature": None if sample == 0 else later,
        "summary": understanding.summary,
        "locations": understanding.localization.get("functions", [])[:ACT_LOCATIONS],
    }


# -- understand's steps ---------------------------------------------------------------------------------
@step("load_graph")
def load_graph(run: UnderstandRun, state: UnderstandState) -> dict[str, Any]:
    kg = run.ctx.graph.get()
    stats = dict(getattr(kg, "stats", {}) or {})
    run.ctx.trajectory.log("graph", stats=stats)
    return {"stats": stats}


@step("explore")
def explore(run: UnderstandRun, state: UnderstandState) -> dict[str, Any]:
    ctx = run.ctx
    calls_left = ctx.budget.max_model_calls - ctx.meter.usage().calls
    traced = TracedLLM(ctx.llm, ctx.trajectory, "explore", 0)
    found = ctx.locate(ctx.graph.get(), state["issue"], calls_left, traced)
    localization = found.to_dict() if found is not None else {}
    ctx.trajectory.log("localization", **localization)
    return {"localization": localization}


@step("summarize")
def summarize(run: UnderstandRun, state: UnderstandState) -> dict[str, Any]:
    ctx = run.ctx
    prompt = summarize_prompt(
        ctx.repo, state["issue"], state.get("localization") or {}, state.get("stats", {})
    )
    return {"summary": ask(ctx.llm, ctx.trajectory, "summarize", prompt, sample=0)}


# -- a candidate's steps --------------------------------------------------------------------------------
@step("analyze")
def analyze(run: CandidateRun, state: CandidateState) -> dict[str, Any]:
    prompt = render("solve_analyze", issue=state["issue"], summary=state["summary"])
    return {"analysis": _ask(run, state, "analyze", prompt)}


@step("plan")
def plan(run: CandidateRun, state: CandidateState) -> dict[str, Any]:
    prompt = render("solve_plan", issue=state["issue"], analysis=state["analysis"])
    return {"plan": _ask(run, state, "plan", prompt)}


def _ask(run: CandidateRun, state: CandidateState, name: str, prompt: str) -> str:
    ctx = run.ctx
    return ask(
        ctx.llm, ctx.trajectory, name, prompt, sample=state["sample"], temperature=state["temperature"]
    )


@step("write_reproduction")
def write_reproduction_test(run: CandidateRun, state: CandidateState) -> dict[str, Any]:
    """The model writes a test that should fail until the issue is fixed (or none that can be used)."""
    ctx = run.ctx
    repro, why = write_reproduction(
        ctx.llm,
        ctx.trajectory,
        ctx.repo,
        state["issue"],
        state["analysis"],
        sample=state["sample"],
        temperature=state["temperature"],
    )
    if repro is None:
        ctx.trajectory.log("reproduction", sample=state["sample"], usable=False, reason=why)
    return {"reproduction": repro}


@step("run_reproduction")
def run_reproduction(run: CandidateRun, state: CandidateState) -> dict[str, Any]:
    """Run the reproduction test in the candidate's workspace before any change, to show the model it fails."""
    repro = state.get("reproduction")
    if not repro:
        return {}
    timeout = run.ctx.sessions.timeout
    result = run.own.workspace(dict(state)).exec(repro["command"])
    repro = {**repro, "before": format_result(result, timeout)[:3000]}
    run.ctx.trajectory.log("reproduction", sample=state["sample"], usable=True, **repro)
    return {"reproduction": repro}


@step("brief")
def brief(run: CandidateRun, state: CandidateState) -> dict[str, Any]:
    """The conversation the tool loop starts from: the issue, analysis, plan, reproduction and locations."""
    task = render(
        "solve_act",
        issue=state["issue"],
        analysis=state["analysis"],
        plan=state["plan"],
        reproduction=state.get("reproduction"),
        test_cmd=run.ctx.test_cmd,
        locations=state.get("locations", []),
    )
    messages = [{"role": "system", "content": render("solve_system")}, {"role": "user", "content": task}]
    return {"messages": messages, "attempt": 0, "attempts": [], "steps": 0, "tool_errors": 0}


@step("act")
def act(run: CandidateRun, state: CandidateState) -> dict[str, Any]:
    """The tool loop until submit or a limit; returns the conversation and the workspace's patch so far."""
    ctx, sample = run.ctx, state["sample"]
    actor = Actor(
        ctx.llm,
        run.own.tools(dict(state)),
        ctx.meter,
        ctx.trajectory,
        sample=sample,
        temperature=state["temperature"],
        steps=state.get("steps", 0),
        tool_errors=state.get("tool_errors", 0),
        window=state.get("window"),
    )
    attempt = state.get("attempt", 0) + 1
    try:
        outcome = actor.run(state["messages"])
    except LLMError as exc:  # the work so far is still validated
        ctx.trajectory.log("error", sample=sample, step="act", message=str(exc))
        return {"error": str(exc), "attempt": attempt, "patch": run.own.workspace(dict(state)).diff()}
    if outcome.stop_reason:
        ctx.trajectory.log("stop", sample=sample, reason=outcome.stop_reason)
    return {
        "messages": outcome.messages,
        "submitted": outcome.submitted,
        "stop_reason": outcome.stop_reason,
        "attempt": attempt,
        "steps": outcome.steps,
        "tool_errors": outcome.tool_errors,
        "window": outcome.window,
        "patch": run.own.workspace(dict(state)).diff(),
    }


@step("make_patch", always=True)
def make_patch(run: CandidateRun, state: CandidateState) -> dict[str, Any]:
    """Record the attempt's patch (the diff act returned) in the trajectory."""
    patch = state.get("patch", "")
    run.ctx.trajectory.log(
        "patch", sample=state.get("sample", 0), attempt=state.get("attempt", 0), patch=patch
    )
    return {"patch": patch}


@step("validate", always=True)
def validate(run: CandidateRun, state: CandidateState) -> dict[str, Any]:
    """Check the patch in a fresh sandbox, and decide whether to retry."""
    ctx, patch = run.ctx, state.get("patch", "")
    if not patch.strip():
        result: dict[str, Any] = {"checks": {}, "details": {"applies": "no change was made"}, "score": 0}
    else:
        result = validate_patch(
            ctx.sessions,
            ctx.repo,
            patch,
            reproduction=state.get("reproduction"),
            test_cmd=ctx.test_cmd,
            kg=ctx.graph.get(),
            include_secrets=ctx.include_secrets,
        ).to_dict()
    ctx.trajectory.log("validation", sample=state.get("sample", 0), attempt=state.get("attempt", 0), **result)
    attempts = [*state.get("attempts", []), {"attempt": state.get("attempt", 0), "patch": patch, **result}]
    return {
        "validation": result,
        "attempts": attempts,
        "decision": retry_or_stop(ctx, {**state, "validation": result}),
    }


def retry_or_stop(ctx: SolveContext, state: CandidateState) -> str:
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
def feedback(run: CandidateRun, state: CandidateState) -> dict[str, Any]:
    """Tell the model which checks failed and what they printed, then act again."""
    validation = state["validation"]
    details = "\n\n".join(f"{k}:\n{v}" for k, v in validation.get("details", {}).items())
    message = render(
        "solve_retry",
        attempt=state["attempt"],
        max_attempts=run.ctx.budget.max_attempts,
        checks=validation.get("checks", {}) or {"applies": False},
        details=details,
    )
    return {"messages": [*state["messages"], {"role": "user", "content": message}], "submitted": False}


# -- the graphs -----------------------------------------------------------------------------------------
def _chain(graph: StateGraph[Any, Any, Any, Any], names: list[str]) -> None:
    for a, b in zip([START, *names], names, strict=False):
        graph.add_edge(a, b)


def build_understand_graph(checkpointer: BaseCheckpointSaver | None = None) -> CompiledGraph:
    """load_graph -> explore -> summarize, compiled with `checkpointer`."""
    graph = StateGraph(UnderstandState, context_schema=UnderstandRun)
    for name, fn in (("load_graph", load_graph), ("explore", explore), ("summarize", summarize)):
        graph.add_node(name, fn)
    _chain(graph, ["load_graph", "explore", "summarize"])
    graph.add_edge("summarize", END)
    return graph.compile(checkpointer=checkpointer)


def build_candidate_graph(checkpointer: BaseCheckpointSaver | None = None) -> CompiledGraph:
    """analyze -> plan -> write_reproduction -> run_reproduction -> brief -> act -> make_patch -> validate,
    then feedback -> act again or the end, compiled with `checkpointer`."""
    graph = StateGraph(CandidateState, context_schema=CandidateRun)
    nodes = {
        "analyze": analyze,
        "plan": plan,
        "write_reproduction": write_reproduction_test,
        "run_reproduction": run_reproduction,
        "brief": brief,
        "act": act,
        "make_patch": make_patch,
        "validate": validate,
        "feedback": feedback,
    }
    for name, fn in nodes.items():
        graph.add_node(name, fn)
    _chain(graph, list(nodes)[:-1])
    graph.add_conditional_edges("validate", lambda s: s["decision"], {"retry": "feedback", "stop": END})
    graph.add_edge("feedback", "act")
    return graph.compile(checkpointer=checkpointer)


# -- running them ---------------------------------------------------------------------------------------
def understand_issue(graph: CompiledGraph, ctx: SolveContext, issue: str) -> Understanding:
    """Run (or resume, or reuse) the understand graph: the run's one understanding of the issue."""
    return Understanding.from_state(run_thread(graph, "understand", {"issue": issue}, UnderstandRun(ctx)))


def solve_candidate(
    graph: CompiledGraph, ctx: SolveContext, understanding: Understanding, sample: int
) -> dict[str, Any]:
    """Run (or resume) candidate `sample` in its own sandbox; its final state (a failure ends it, not the run)."""
    start = candidate_input(understanding, sample, ctx)
    try:
        with CandidateResources(ctx) as own:
            return run_thread(graph, f"candidate-{sample}", dict(start), CandidateRun(ctx, own))
    except (KeyboardInterrupt, Interrupted):
        raise
    except Exception as exc:  # a sandbox or tool failure ends this candidate, not the run
        ctx.trajectory.log("error", sample=sample, message=f"{type(exc).__name__}: {exc}")
        return {"error": f"{type(exc).__name__}: {exc}"}
