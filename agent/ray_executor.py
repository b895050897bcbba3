"""The Ray executor: one Ray task per item, with explicit CPUs and memory, on an existing cluster.

Faults: a task whose node (or worker) dies is re-run on another node by Ray (`max_retries`); an exception
raised by the task itself is not retried, it is the task's result. Every attempt is logged with an actor on
the driver's node so the report can count retries. On Ctrl-C, SIGTERM or an error the driver cancels the
tasks still out (a KeyboardInterrupt inside each), waits for them, and then removes on every node the
sandbox containers labelled with this run, so nothing is left behind.

A cluster on one machine stays on loopback: for a loopback address the driver gets
`RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0` (without it Ray 2.60 rewrites 127.0.0.1 into the machine's outward
address). For any other address Ray's own settings are left alone: with that variable at 0 a driver on a real
cluster's node would look for its raylet on 127.0.0.1.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from types import FrameType
from typing import Any

from repowright import __version__

from .errors import UserError
from .executor import ExecutorStats, Finished, Item, NodeCheck, Resources
from .node_sandbox import NodeSandbox

SignalHandler = Callable[[int, FrameType | None], Any]  # as signal.signal takes one

MAX_RETRIES = 3  # attempts after the first when a node or worker dies
CHECK_TIMEOUT = 900.0  # the first check on a node may build the sandbox image
CANCEL_GRACE = 30.0
RUN_LABEL = "repowright.run"
HEAD_RESOURCE = "node:__internal_head__"  # Ray's marker resource of the head node


def is_loopback(address: str | None) -> bool:
    """Whether a Ray address (`host:port`, maybe `ray://`) names this machine's loopback."""
    host = (address or "").split("://")[-1].rsplit(":", 1)[0].strip("[]")
    return host == "localhost" or host == "::1" or host.startswith("127.")


def _ray(address: str | None = None):
    """The ray module (kept on loopback for a loopback address), or a one-line error saying how to install it."""
    if is_loopback(address or os.environ.get("RAY_ADDRESS")):
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # read when ray is first imported
    try:
        import ray
    except ImportError:
        raise UserError("--executor ray needs Ray: pip install 'repowright[ray]'") from None
    return ray


def node_label() -> str:
    """This node as outcomes record it: host name and Ray node id."""
    ray = _ray()
    return f"{socket.gethostname()}/{ray.get_runtime_context().get_node_id()}"


class _Attempts:
    """Every start of every task, by key: more than one start means Ray re-ran it after a failure."""

    def __init__(self) -> None:
        self.starts: dict[str, list[str]] = {}

    def start(self, key: str, node: str) -> None:
        self.starts.setdefault(key, []).append(node)

    def retried(self) -> dict[str, list[str]]:
        return {key: nodes for key, nodes in self.starts.items() if len(nodes) > 1}


def _run_task(fn: Callable[..., Any], key: str, attempts: Any, args: tuple) -> tuple[str, Any]:
    """On the node: log the attempt, then run `fn(*args)`; return (node, result)."""
    ray = _ray()
    node = node_label()
    try:
        ray.get(attempts.start.remote(key, node))
    except ray.exceptions.RayError as exc:  # bookkeeping lost; the task itself still runs
        logging.getLogger(__name__).warning("attempt of %s not logged: %s", key, exc)
    return node, fn(*args)


def _check_node(check: NodeCheck, args: tuple, version: str, run_label: str) -> list[str]:
    """On the node: the same repowright version, leftovers of this run removed, then the caller's checks."""
    if __version__ != version:
        return [f"repowright {__version__} is installed, the driver runs {version}; install the same version"]
    if run_label:
        try:
            _sweep(run_label)  # what a killed driver of this run left behind
        except Exception as exc:  # noqa: BLE001 - the check below says what is wrong with the engine
            logging.getLogger(__name__).debug("sweep failed: %s", exc)
    return check(*args)


def _sweep(run_label: str) -> int:
    """On the node: remove the sandbox containers of this run."""
    from repowright.sandbox.docker_sandbox import remove_labelled

    return remove_labelled({RUN_LABEL: run_label})


class RayExecutor:
    """Tasks on a Ray cluster; at most `workers` out at once."""

    kind = "ray"
    remote = True

    def __init__(
        self,
        workers: int,
        address: str | None = None,
        *,
        run_label: str = "",
        image: str | None = None,
        max_retries: int = MAX_RETRIES,
    ) -> None:
        self.ray = ray = _ray(address)
        self.workers, self.run_label, self.max_retries = max(1, workers), run_label, max_retries
        self.image = image
        self._signal = 0
        self._owns = not ray.is_initialized()
        if self._owns:
            self._connect(address)
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        self._affinity = NodeAffinitySchedulingStrategy
        # on the head node, which the cluster cannot lose and go on: the attempt log outlives any worker node
        self._attempts = ray.remote(_Attempts).options(num_cpus=0, resources={HEAD_RESOURCE: 0.001}).remote()
        self._task = ray.remote(_run_task)

    def _connect(self, address: str | None) -> None:
        """ray.init, keeping the caller's SIGTERM handler (ray.init replaces it with a bare sys.exit)."""
        previous = signal.getsignal(signal.SIGTERM)
        try:
            self.ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING)
        except (ConnectionError, RuntimeError, ValueError) as exc:  # the types ray.init itself raises
            where = address or os.environ.get("RAY_ADDRESS") or "the local machine"
            raise UserError(
                f"cannot reach the Ray cluster at {where} ({str(exc).splitlines()[0]}); "
                "start it with `ray start --head` or fix --ray-address"
            ) from None
        finally:
            if threading.current_thread() is threading.main_thread() and callable(previous):
                signal.signal(signal.SIGTERM, self._noting(previous))

    def _noting(self, handler: SignalHandler) -> SignalHandler:
        """`handler`, noting the signal first: a SystemExit raised inside a Ray call comes out as exit code 1."""

        def noted(signum: int, frame: FrameType | None) -> Any:
            self._signal = signum
            return handler(signum, frame)

        return noted

    # ------------------------------------------------------------------ nodes
    def alive_nodes(self) -> list[dict]:
        return [n for n in self.ray.nodes() if n.get("Alive")]

    def _on_each_node(self, fn: Callable[..., Any], *args: Any) -> list[tuple[dict, Any]]:
        """`fn(*args)` once on every alive node (no CPU held); exceptions are returned, not raised."""
        remote = self.ray.remote(fn)
        refs = [
            (
                node,
                remote.options(
                    num_cpus=0, max_retries=0, scheduling_strategy=self._affinity(node["NodeID"], soft=False)
                ).remote(*args),
            )
            for node in self.alive_nodes()
        ]
        out = []
        for node, ref in refs:
            try:
                out.append((node, self.ray.get(ref, timeout=CHECK_TIMEOUT)))
            except Exception as exc:  # noqa: BLE001 - a node that cannot run our code is itself the finding
                out.append((node, exc))
        return out

    def check_nodes(self, check: NodeCheck, *args: Any) -> None:
        problems = []
        for node, result in self._on_each_node(_check_node, check, args, __version__, self.run_label):
            where = f"node {node.get('NodeManagerHostname', '?')} {node['NodeID'][:12]}"
            if isinstance(result, Exception):
                first = (str(result).strip().splitlines() or [type(result).__name__])[-1]
                problems.append(
                    f"{where}: cannot run repowright {__version__} there ({first[:200]}); "
                    "install the same repowright version on every node"
                )
            else:
                problems += [f"{where}: {line}" for line in result]
        if problems:
            raise UserError("the Ray cluster is not ready:\n  " + "\n  ".join(problems))

    def _check_fits(self, resources: Resources) -> None:
        """Refuse a request no node can hold (Ray would wait for it forever)."""
        for node in self.alive_nodes():
            have = node.get("Resources", {})
            if have.get("CPU", 0) >= resources.cpus and have.get("memory", 0) >= (resources.memory or 0):
                return
        gib = (resources.memory or 0) / (1 << 30)
        raise UserError(
            f"no node of the Ray cluster has {resources.cpus:g} CPUs and {gib:.1f} GiB of memory "
            "free for one task; lower --cpus/--memory or add bigger nodes"
        )

    # ------------------------------------------------------------------ tasks
    def map(self, fn: Callable[..., Any], items: Iterable[Item], resources: Resources) -> Iterator[Finished]:
        self._check_fits(resources)
        task = self._task.options(
            num_cpus=resources.cpus,
            memory=resources.memory,
            max_retries=self.max_retries,
            retry_exceptions=False,
        )
        pending = iter(items)
        running: dict[Any, str] = {}
        try:
            while True:
                while len(running) < self.workers and (item := next(pending, None)) is not None:
                    running[task.remote(fn, item[0], self._attempts, item[1])] = item[0]
                if not running:
                    break
                ready, _ = self.ray.wait(list(running), num_returns=1)
                for ref in ready:
                    key = running.pop(ref)
                    node, value = self._result(ref)
                    yield Finished(key, value, node)
        except SystemExit:
            if self._signal:
                raise SystemExit(128 + self._signal) from None
            raise
        finally:
            if running:
                self._abort(list(running))

    def _result(self, ref: Any) -> tuple[str, Any]:
        """A task's (node, value); an exception the task raised is raised here as itself, not wrapped."""
        try:
            return self.ray.get(ref)
        except self.ray.exceptions.RayTaskError as exc:
            cause = getattr(exc, "cause", None)
            if isinstance(cause, Exception):
                raise cause from None
            raise

    def _abort(self, refs: list) -> None:
        """Cancel the tasks still out, let them close their sandboxes, then sweep every node."""
        for ref in refs:
            self.ray.cancel(ref, force=False)
        self.ray.wait(refs, num_returns=len(refs), timeout=CANCEL_GRACE)
        if self.run_label:
            self._on_each_node(_sweep, self.run_label)

    def node_sandbox(self, backend: str) -> NodeSandbox:
        return NodeSandbox(backend, self.image, ((RUN_LABEL, self.run_label),) if self.run_label else ())

    def stats(self) -> ExecutorStats:
        try:
            return ExecutorStats(self.kind, self.ray.get(self._attempts.retried.remote(), timeout=60))
        except self.ray.exceptions.RayError:  # the head node went away: retries cannot be counted
            return ExecutorStats(self.kind, counted=False)

    def close(self) -> None:
        if self._owns and self.ray.is_initialized():
            self.ray.shutdown()
