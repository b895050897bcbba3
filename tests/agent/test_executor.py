"""The local executor: at most `workers` tasks at once, items drawn lazily, errors stop the batch."""

from __future__ import annotations

import threading
import time

import pytest

from repowright.agent.errors import UserError
from repowright.agent.executor import LocalExecutor, Resources, make_executor, memory_bytes


class Gauge:
    """Counts tasks running at once."""

    def __init__(self) -> None:
        self.now = self.most = 0
        self.lock = threading.Lock()

    def task(self, value: int) -> int:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        time.sleep(0.05)
        with self.lock:
            self.now -= 1
        if value < 0:
            raise ValueError(f"bad {value}")
        return value * 10


def test_runs_every_item_at_most_workers_at_once_on_the_local_node():
    gauge = Gauge()
    done = list(LocalExecutor(3).map(gauge.task, ((str(i), (i,)) for i in range(10)), Resources()))
    assert sorted((d.key, d.value) for d in done) == sorted((str(i), i * 10) for i in range(10))
    assert {d.node for d in done} == {"local"} and gauge.most == 3


def test_a_failing_task_stops_the_batch_and_nothing_more_is_drawn():
    gauge, drawn = Gauge(), []

    def items():
        for i in [1, -1, 2, 3, 4, 5, 6]:
            drawn.append(i)
            yield str(i), (i,)

    with pytest.raises(ValueError, match="bad -1"):
        list(LocalExecutor(1).map(gauge.task, items(), Resources()))
    assert drawn == [1, -1]


def test_executor_choice_and_sizes_are_checked():
    with pytest.raises(UserError, match="--ray-address needs --executor ray"):
        make_executor("local", 1, "127.0.0.1:6379")
    with pytest.raises(UserError, match="unknown executor 'slurm'"):
        make_executor("slurm", 1)
    assert (
        memory_bytes("4g") == 4 << 30 and memory_bytes("512m") == 512 << 20 and memory_bytes("1024") == 1024
    )
    with pytest.raises(UserError, match="not a size"):
        memory_bytes("lots")


def test_only_a_loopback_ray_address_counts_as_loopback():
    from repowright.agent.ray_executor import is_loopback

    assert (
        is_loopback("127.0.0.1:6379")
        and is_loopback("localhost:6379")
        and is_loopback("ray://127.0.0.1:10001")
    )
    assert is_loopback("[::1]:6379")
    assert (
        not is_loopback("10.0.0.5:6379")
        and not is_loopback("head.example.com:6379")
        and not is_loopback(None)
    )
