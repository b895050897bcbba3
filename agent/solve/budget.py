"""Limits on one solve run (steps, model calls, tokens, wall time, tool errors) and the meter that enforces them."""

from __future__ import annotations

import threading
import time

from pydantic import BaseModel

from ..config import Settings
from ..llm import LLM, Usage


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

    @classmethod
    def from_settings(cls, settings: Settings) -> Budget:
        """The budget `[solve]` and `[sandbox] timeout` describe (flags are already in `settings`)."""
        solve = settings.solve
        return cls(
            max_steps=solve.max_steps,
            max_model_calls=solve.max_model_calls,
            max_tokens=solve.max_tokens,
            max_seconds=solve.max_seconds,
            tool_timeout=settings.sandbox.timeout,
        )


class BudgetMeter:
    """Checks the run-wide limits against the model client's totals and the clock; shared by every candidate.

    A resumed run starts from what the interrupted runs spent (`prior`, `prior_seconds`), so one budget covers
    them all. `stop` makes every later check answer with its reason (how a Ctrl-C reaches parallel candidates).
    """

    def __init__(
        self, budget: Budget, llm: LLM, *, prior: Usage | None = None, prior_seconds: float = 0.0
    ) -> None:
        self.budget = budget
        self.llm = llm
        self.prior = prior or Usage()
        self.started = time.monotonic() - prior_seconds
        self._stopped: str | None = None
        self._lock = threading.Lock()

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    def usage(self) -> Usage:
        """Model calls and tokens of the whole run, interrupted runs before this one included."""
        total = Usage()
        total.add(self.prior)
        total.add(self.llm.usage)
        return total

    def usage_dict(self) -> dict[str, int]:
        return self.usage().to_dict()

    def stop(self, reason: str) -> None:
        with self._lock:
            self._stopped = self._stopped or reason

    @property
    def stopped(self) -> str | None:
        return self._stopped

    def spent(self) -> str | None:
        """Why the run must stop now, or None while there is budget left."""
        if self._stopped:
            return self._stopped
        usage, b = self.usage(), self.budget
        if usage.calls >= b.max_model_calls:
            return f"model-call budget spent ({usage.calls} of {b.max_model_calls})"
        if usage.total_tokens >= b.max_tokens:
            return f"token budget spent ({usage.total_tokens} of {b.max_tokens})"
        if self.seconds >= b.max_seconds:
            return f"wall-time budget spent ({self.seconds:.0f} s of {b.max_seconds:.0f} s)"
        return None

    def remaining_seconds(self) -> float:
        return max(0.0, self.budget.max_seconds - self.seconds)
