"""Batches generated ahead of the workers arrive whole and in order, and a failure to generate one is raised to
the campaign instead of ending it as if every input had run."""

from __future__ import annotations

import pytest

from repowright.agent.fuzz.batching import prefetched


def test_prefetched_batches_arrive_in_order():
    batches = [[f"case{i}#{j}" for j in range(3)] for i in range(50)]
    assert list(prefetched(iter(batches), depth=2)) == batches


def test_a_failure_to_generate_reaches_the_consumer():
    def broken():
        yield ["a#0"]
        yield ["a#1"]
        raise ValueError("unknown value kind 'weird'")

    got = []
    with pytest.raises(ValueError, match="weird"):
        for batch in prefetched(broken()):
            got.append(batch)
    assert got == [["a#0"], ["a#1"]]
