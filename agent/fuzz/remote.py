"""Fuzz batches on a cluster node: the inputs arrive rendered, the results go back to the driver."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import replace

from ..node_sandbox import NodeSandbox, check_sandbox, node_sandbox
from .executor import ExecConfig, ForkServerExecutor


def run_batch_on_node(
    spec: NodeSandbox,
    preload: str,
    config: ExecConfig,
    files: dict[str, str],
    inputs: list[tuple[str, str]],
    twice: frozenset[str],
    timeout: float,
    quick_timeout: float,
) -> dict[str, dict]:
    """Run one batch in a fork-server container of this node, as the driver would (`run_inputs`); results by id."""
    from .batching import run_inputs

    here = replace(
        config, python=sys.executable, prefix=sys.prefix
    )  # this node's interpreter, not the driver's
    with ForkServerExecutor(node_sandbox(spec), preload, here, files) as executor:
        return run_inputs(executor, inputs, twice, timeout, quick_timeout)


def check_fuzz_node(spec: NodeSandbox, library: str | None) -> list[str]:
    """On a node: the sandbox, and the library under test installed beside repowright (None: the library's
    source travels with each batch)."""
    problems = check_sandbox(spec)
    if library is not None and importlib.util.find_spec(library) is None:
        problems.append(
            f"{library} is not installed beside repowright on this node; pip install 'repowright[fuzz]'"
        )
    return problems
