"""Limits on one solve run (steps, model calls, tokens, wall time, tool errors) and the meter that enforces them."""

from __future__ import annotations

import time

from pydantic import BaseModel

from ..llm import LLM


class Budget(BaseModel):
    """How much one run may spend; the run stops cleanly (and still writes its outputs) when any is spent."""

    max_steps: int = 40  # tool-loop turns per candidate, over all its attempts
    max_model_calls: int = 120  # over the whole run, every step and sample included
    max_tokens: int = 2_000_000  # prompt + completion tokens over the whole run
    max_seconds: float = 1800.0  # wall time of the whole run
    max_tool_errors: int = 5  # malformed or failing tool calls tolerated per candidate
    max_attempts: int = 3  # act -> validate rounds per candidate
    tool_timeout: float = 120.0  # seconds a command or test run may take in the sandbox
    max_tool_output: int = 12_000  # characters of one tool result shown to the model


class BudgetMeter:
    """Checks the run-wide limits against the model client's totals and the clock."""

    def __init__(self, budget: Budget, llm: LLM) -> None:
        self.budget = budget
        self.llm = llm
        self.started = time.monotonic()

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    def spent(self) -> str | None:
        """Why the run must stop now, or None while there is budget left."""
        usage, b = self.llm.usage, self.budget
        if usage.calls >= b.max_model_calls:
            return f"model-call budget spent ({usage.calls} of {b.max_model_calls})"
        if usage.total_tokens >= b.max_tokens:
            return f"token budget spent ({usage.total_tokens} of {b.max_tokens})"
        if self.seconds >= b.max_seconds:
            return f"wall-time budget spent ({self.seconds:.0f} s of {b.max_seconds:.0f} s)"
        return None

    def remaining_seconds(self) -> float:
        return max(0.0, self.budget.max_seconds - self.seconds)
