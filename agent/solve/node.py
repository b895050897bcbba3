"""How every solve graph node runs: report progress, log the step, stop on a spent budget, and turn model
failures into state; the node's own function only computes its update."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from langgraph.runtime import Runtime

from ..llm import LLMError
from .resources import SolveContext


class HasContext(Protocol):
    @property
    def ctx(self) -> SolveContext: ...


class Interrupted(Exception):
    """The run was interrupted while this candidate ran in another thread: stop without checkpointing."""


def step(name: str, *, always: bool = False) -> Callable[[Callable[..., dict[str, Any]]], Callable[..., Any]]:
    """Wrap a node: report progress, log it, skip it after an error or a spent budget (unless `always`),
    and turn model failures into state."""

    def wrap(fn: Callable[[Any, dict[str, Any]], dict[str, Any]]) -> Callable[..., Any]:
        def node(state: dict[str, Any], runtime: Runtime[Any]) -> dict[str, Any]:
            run: HasContext = runtime.context
            ctx, sample = run.ctx, state.get("sample", 0)
            if ctx.meter.stopped:
                raise Interrupted(ctx.meter.stopped)
            if (state.get("error") or state.get("stop_reason")) and not always:
                return {}
            if ctx.progress:
                ctx.progress(f"candidate {sample + 1}/{ctx.samples}: {name}" if "sample" in state else name)
            ctx.trajectory.log("step", sample=sample, name=name)
            spent = None if always else ctx.meter.spent()
            if spent:
                ctx.trajectory.log("stop", sample=sample, step=name, reason=spent)
                return {"stop_reason": spent}
            try:
                return fn(run, state)
            except LLMError as exc:
                ctx.trajectory.log("error", sample=sample, step=name, message=str(exc))
                return {"error": str(exc)}

        # not functools.wraps: langgraph would read the wrapped function's first parameter as the state's type
        node.__name__, node.__doc__ = fn.__name__, fn.__doc__
        return node

    return wrap
