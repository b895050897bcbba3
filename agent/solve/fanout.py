"""Run one function over the samples, K at a time, in daemon threads (so an interrupted run exits at once)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def fan_out(items: list[int], parallel: int, fn: Callable[[int], T]) -> list[T]:
    """`fn` over `items`, at most `parallel` at once; results in the order of `items`. With one at a time it runs
    in the calling thread. The first exception (KeyboardInterrupt included) is raised once every started call
    ended, or at once when the caller is interrupted while waiting."""
    if parallel <= 1 or len(items) <= 1:
        return [fn(item) for item in items]
    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for item in items:
        todo.put(item)
    results: dict[int, T] = {}
    failures: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        while not failures:
            try:
                item = todo.get_nowait()
            except queue.Empty:
                return
            try:
                value = fn(item)
            except BaseException as exc:  # handed to the caller, which decides
                with lock:
                    failures.append(exc)
                return
            with lock:
                results[item] = value

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(min(parallel, len(items)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():
            thread.join(0.2)  # a short wait, so Ctrl-C reaches the calling thread
    if failures:
        raise failures[0]
    return [results[item] for item in items if item in results]
