"""Running batches of inputs: two time limits per input, a second run to catch wrong results, inputs generated
ahead of the workers."""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Iterator

from .executor import ForkServerExecutor
from .generate import Case

# APIs whose result is documented to be uninitialized or unordered: two runs may differ without a bug
NONDETERMINISTIC = re.compile(r"empty|resize|set_$|\.new_empty|\bunique\b|data_ptr|\bid\b|storage|__")


def run_inputs(
    executor: ForkServerExecutor,
    inputs: list[tuple[str, str]],
    twice: frozenset[str],
    timeout: float,
    quick_timeout: float,
    hung: frozenset[str] = frozenset(),
) -> dict[str, dict]:
    """Results by input id. Every input first gets `quick_timeout` seconds, so a slow input costs little; the
    ones that overran run again alone with the full `timeout`, and only those that overrun it too are hangs.
    An input of an API in `hung` (it has a hang finding already) that overruns is recorded as slow instead of
    rerun: a second hang of one API adds no finding and would cost the full timeout.
    Ids in `twice` run a second time and their results are compared (a silent wrong result shows as a change)."""
    quick = min(quick_timeout, timeout)
    results = executor.run(inputs, timeout=quick, twice=twice)
    overran = (
        [item for item in inputs if results[item[0]].get("status") == "timeout"] if quick < timeout else []
    )
    slow = []
    for item in overran:
        if item[0].rsplit("#", 1)[0] in hung:
            results[item[0]] = {**results[item[0]], "status": "slow"}
        else:
            slow.append(item)
    if slow:
        results.update(executor.run(slow, timeout=timeout, twice=twice))
    return results


def prefetched(batches: Iterator[list[Case]], depth: int = 4) -> Iterator[list[Case]]:
    """The same batches, generated ahead in a thread, so a free worker never waits for input generation."""
    ready: queue.Queue = queue.Queue(depth)
    end = object()
    failed: list[BaseException] = []

    def fill() -> None:
        try:
            for batch in batches:
                ready.put(batch)
        except BaseException as exc:  # raised again in the consumer, not lost in this thread
            failed.append(exc)
        finally:
            ready.put(end)

    threading.Thread(target=fill, daemon=True, name="fuzz-generate").start()
    while (batch := ready.get()) is not end:
        yield batch
    if failed:
        raise failed[0]


def run_twice(batch: list[Case]) -> frozenset[str]:
    """The conforming inputs of deterministic APIs: run twice, so two differing results are a finding."""
    return frozenset(c.id for c in batch if c.kind == "ci" and not NONDETERMINISTIC.search(c.api))
