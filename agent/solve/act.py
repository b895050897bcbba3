"""The act step: the model calls tools against the workspace until it submits or a limit is reached."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..llm import LLM, ChatResult, LLMError, ToolCall
from ..prompts import render
from .budget import BudgetMeter
from .context import fit_context, truncate
from .tools import TOOL_SCHEMAS, ToolBox, check_arguments
from .trajectory import Trajectory

# How servers say a prompt does not fit: vLLM ("maximum context length"), llama.cpp ("exceeds the available
# context size"), OpenAI-style ("context_length_exceeded").
CONTEXT_ERROR = re.compile(
    r"context[ _]length|context size|context window|prompt is too long|too many tokens", re.I
)
MIN_WINDOW = 2048


@dataclass
class ActOutcome:
    """How an act round ended: submitted, or stopped with a reason; and the conversation to resume from."""

    messages: list[dict[str, Any]]
    submitted: bool
    stop_reason: str | None
    steps: int
    tool_errors: int
    window: int  # the context window the server accepts, as learned so far


class Actor:
    """Drives the tool loop for one candidate; steps and tool errors accumulate over its attempts (the counts
    so far are handed in, so an attempt resumed in a new process goes on counting)."""

    def __init__(
        self,
        llm: LLM,
        tools: ToolBox,
        meter: BudgetMeter,
        trajectory: Trajectory,
        *,
        sample: int,
        temperature: float | None,
        steps: int = 0,
        tool_errors: int = 0,
        window: int | None = None,
    ) -> None:
        self.llm = llm
        self.tools = tools
        self.meter = meter
        self.trajectory = trajectory
        self.sample = sample
        self.temperature = temperature
        self.steps = steps
        self.tool_errors = tool_errors
        self.window = window or llm.config.context_window  # halved when the server says a prompt is too long

    def run(self, messages: list[dict[str, Any]]) -> ActOutcome:
        """Continue the conversation until submit or a budget; never raises for the model's mistakes."""
        budget = self.meter.budget
        while True:
            reason = self.meter.spent()
            if reason is None and self.steps >= budget.max_steps:
                reason = f"step budget spent ({self.steps} of {budget.max_steps})"
            if reason is None and self.tool_errors > budget.max_tool_errors:
                reason = f"too many malformed or failing tool calls ({self.tool_errors})"
            if reason:
                return ActOutcome(messages, False, reason, self.steps, self.tool_errors, self.window)
            self.steps += 1
            messages = fit_context(messages, self.window)
            try:
                result = self.llm.chat(messages, tools=TOOL_SCHEMAS, temperature=self.temperature)
            except LLMError as exc:
                if not CONTEXT_ERROR.search(str(exc)) or self.window <= MIN_WINDOW:
                    raise
                # The server's window is smaller than configured (or its tokenizer denser than our estimate).
                self.window = max(MIN_WINDOW, self.window // 2)
                self.trajectory.log("context", sample=self.sample, window=self.window, message=str(exc)[:300])
                continue
            self._log_model(result, len(messages))
            messages = [*messages, result.assistant_message()]
            if not result.tool_calls:
                messages.append({"role": "user", "content": render("solve_nudge")})
                continue
            submitted = False
            for call in result.tool_calls:
                text, submitted_now = self._run_call(call)
                submitted = submitted or submitted_now
                messages.append(
                    {"role": "tool", "tool_call_id": call.id, "name": call.name or "invalid", "content": text}
                )
            if submitted:
                return ActOutcome(messages, True, None, self.steps, self.tool_errors, self.window)

    def _run_call(self, call: ToolCall) -> tuple[str, bool]:
        budget = self.meter.budget
        error = call.error or check_arguments(call.name, call.arguments)
        if error:
            self.tool_errors += 1
            self.trajectory.log(
                "tool_call",
                sample=self.sample,
                name=call.name,
                arguments=call.raw_arguments,
                ok=False,
                error=error,
            )
            left = max(0, budget.max_tool_errors - self.tool_errors)
            return render("solve_correction", error=error, errors_left=left), False
        outcome = self.tools.call(call.name, call.arguments)
        if not outcome.ok:
            self.tool_errors += 1
        text = truncate(outcome.text, budget.max_tool_output)
        self.trajectory.log(
            "tool_call",
            sample=self.sample,
            name=call.name,
            arguments=call.arguments,
            ok=outcome.ok,
            result=text,
            result_chars=len(outcome.text),
        )
        return text, outcome.submitted

    def _log_model(self, result: ChatResult, n_messages: int) -> None:
        self.trajectory.log(
            "model_call",
            sample=self.sample,
            step="act",
            messages=n_messages,
            content=result.content,
            **self.trajectory.request(result.request),
            tool_calls=[
                {
                    "name": c.name,
                    "arguments": c.arguments if not c.error else c.raw_arguments,
                    "error": c.error,
                }
                for c in result.tool_calls
            ],
            usage=result.usage.to_dict(),
            finish_reason=result.finish_reason,
            seconds=round(result.seconds, 3),
        )
