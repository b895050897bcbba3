"""Candidates fanned out K at a time, and the budget built from settings (flags over the [solve] section)."""

from __future__ import annotations

import threading

import pytest

from repowright.agent.config import load_settings
from repowright.agent.solve.budget import Budget
from repowright.agent.solve.fanout import fan_out


def test_fan_out_keeps_order_and_runs_at_most_k_at_once():
    running, most, lock = 0, 0, threading.Lock()
    both_started = threading.Barrier(2, timeout=60)  # a wrong limit of 1 would leave the barrier broken

    def work(item: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        if item < 2:
            both_started.wait()
        with lock:
            running -= 1
        return item * 10

    assert fan_out(list(range(6)), 2, work) == [0, 10, 20, 30, 40, 50]
    assert most == 2
    assert fan_out([0, 1], 1, lambda i: threading.current_thread() is threading.main_thread()) == [True, True]


def test_fan_out_raises_the_first_failure():
    def work(item: int) -> int:
        if item == 1:
            raise ValueError("candidate 1 broke")
        return item

    with pytest.raises(ValueError, match="candidate 1 broke"):
        fan_out([0, 1, 2], 2, work)


def test_budget_comes_from_the_solve_settings_and_flags_override_them(tmp_path):
    config = tmp_path / "repowright" / "config.toml"
    config.parent.mkdir()
    config.write_text("[solve]\nmax_steps = 7\nmax_seconds = 99\n\n[sandbox]\ntimeout = 33\n")
    environ = {"XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path)}
    budget = Budget.from_settings(load_settings(start=tmp_path, environ=environ))
    assert (budget.max_steps, budget.max_seconds, budget.tool_timeout) == (7, 99, 33)
    assert budget.max_model_calls == Budget().max_model_calls
    flagged = load_settings({"solve": {"max_steps": 5}}, start=tmp_path, environ=environ)
    assert Budget.from_settings(flagged).max_steps == 5
