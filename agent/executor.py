"""The executor seam for long batch work (SWE-bench evaluate and run, fuzz campaigns).

A batch is a stream of tasks `(key, args)` and one module-level function; an executor runs `fn(*args)` for
each, at most `workers` at a time, and yields each result as it finishes, with the node that ran it. The
driver alone writes the output folder, so both executors give the same files.

- `LocalExecutor`: threads in this process (the behaviour before Ray existed); the node is "local".
- `RayExecutor` (`ray_executor.py`): one Ray task per item with explicit CPUs and memory, retried on another
  node when its node dies, cancelled on Ctrl-C or SIGTERM.

Callers pass `fn` that already knows how to run where the executor puts it: `executor.remote` says whether
results cross machines (then `fn` must be picklable by reference and return its files by value).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .errors import UserError

if TYPE_CHECKING:  # imported by the code that runs tasks: the commands' --help imports this module
    from concurrent.futures import Future

    from .node_sandbox import NodeSandbox

EXECUTORS = ("local", "ray")
EXECUTOR_HELP = "Where tasks run: local (threads here) or ray (a Ray cluster; see --ray-address)."
RAY_ADDRESS_HELP = (
    "Ray cluster address HEAD:6379 (default: Ray's own, RAY_ADDRESS or a cluster started here)."
)
LOCAL_NODE = "local"

Item = tuple[str, tuple]  # (key, arguments of fn)
NodeCheck = Callable[..., list[str]]  # runs on a node; returns one line per missing piece


@dataclass(frozen=True)
class Resources:
    """What one task holds on its node, so a node never runs more sandboxes than it can hold."""

    cpus: float = 1.0
    memory: int | None = None  # bytes; None leaves memory unaccounted


@dataclass
class Finished:
    """One task's result, the key it was submitted with, and the node that ran it."""

    key: str
    value: Any
    node: str


@dataclass
class ExecutorStats:
    """What the report says about the executor: its kind, nodes used, and tasks re-run after a node died."""

    kind: str
    retried: dict[str, list[str]] = field(default_factory=dict)  # key -> nodes of the attempts
    counted: bool = True  # False when the log of attempts was lost

    def to_dict(self) -> dict:
        out = {"kind": self.kind, "retried_tasks": len(self.retried), "retried": self.retried}
        return out if self.counted else {**out, "retried_tasks": None}


class Executor(Protocol):
    """Runs a batch of tasks; see the module docstring."""

    kind: str
    remote: bool
    workers: int

    def check_nodes(self, check: NodeCheck, *args: Any) -> None:
        """Run `check(*args)` on every node; raise one UserError listing every missing piece."""

    def map(self, fn: Callable[..., Any], items: Iterable[Item], resources: Resources) -> Iterator[Finished]:
        """Run `fn(*args)` per item, at most `workers` at once (items are drawn lazily), as they finish."""

    def node_sandbox(self, backend: str) -> NodeSandbox:
        """How a node makes the sandbox of this run's tasks."""

    def stats(self) -> ExecutorStats:
        """Kind and retries so far."""

    def close(self) -> None:
        """Release the executor (disconnect from a cluster)."""


class LocalExecutor:
    """Threads in this process: what `--workers N` always meant."""

    kind = "local"
    remote = False

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, workers)

    def check_nodes(self, check: NodeCheck, *args: Any) -> None:
        """The driver is the only node, and the commands check it as they always did."""

    def map(self, fn: Callable[..., Any], items: Iterable[Item], resources: Resources) -> Iterator[Finished]:
        from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

        pending = iter(items)
        pool = ThreadPoolExecutor(max_workers=self.workers)
        running: dict[Future, str] = {}
        try:
            while True:
                while len(running) < self.workers and (item := next(pending, None)) is not None:
                    running[pool.submit(fn, *item[1])] = item[0]
                if not running:
                    break
                finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
                for future in finished:
                    yield Finished(running.pop(future), future.result(), LOCAL_NODE)
        finally:  # interrupted (SIGTERM, Ctrl-C), failed or abandoned: start nothing more
            pool.shutdown(wait=not running, cancel_futures=True)

    def node_sandbox(self, backend: str) -> NodeSandbox:
        from .node_sandbox import NodeSandbox

        return NodeSandbox(backend)

    def stats(self) -> ExecutorStats:
        return ExecutorStats(self.kind)

    def close(self) -> None:
        pass


def make_executor(
    kind: str, workers: int, address: str | None = None, run_label: str = "", image: str | None = None
) -> Executor:
    """The executor named on the command line; `address` None leaves Ray to its own RAY_ADDRESS handling;
    `image` is the sandbox image nodes use (None: the default one, built on each node on first use)."""
    if kind == "local":
        if address:
            raise UserError("--ray-address needs --executor ray")
        return LocalExecutor(workers)
    if kind == "ray":
        from .ray_executor import RayExecutor

        return RayExecutor(workers, address, run_label=run_label, image=image)
    raise UserError(f"unknown executor {kind!r}: choose one of {', '.join(EXECUTORS)}")


def run_label(folder: Path) -> str:
    """A stable name for the run writing `folder`: its sandbox containers carry it, so a restarted or
    interrupted driver can remove what an earlier one left on any node."""
    import hashlib

    return hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]


def memory_bytes(text: str) -> int:
    """Docker's memory notation (`4g`, `512m`, `1024k`, bytes) in bytes."""
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
    value = text.strip().lower().removesuffix("b")
    try:
        return int(float(value[:-1]) * units[value[-1]]) if value and value[-1] in units else int(value)
    except ValueError:
        raise UserError(f"memory {text!r} is not a size like 4g or 512m") from None
