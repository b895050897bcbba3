"""The reducer on a real torch crash in the Docker sandbox: a bloated input that segfaults
`torch.nn.functional.max_pool1d` (a kernel of 2**63 - 1) shrinks to the arguments the crash needs, and the reduced
script crashes the same way as a fresh interpreter; a slow input of an API that already hangs is not rerun."""

from __future__ import annotations

import pytest

from repowright.agent.fuzz.adapters import TorchAdapter
from repowright.agent.fuzz.batching import run_inputs
from repowright.agent.fuzz.executor import ExecConfig, ForkServerExecutor
from repowright.agent.fuzz.findings import CRASH, HANG, SLOW, Finding, classify, signature
from repowright.agent.fuzz.generate import Case
from repowright.agent.fuzz.reproduce import (
    case_size,
    reduce_cases,
    render_case,
    reproducer_script,
    verify_all,
)
from repowright.agent.fuzz.values import scalar, seq, tensor
from repowright.analyzers.doc_constraints import ApiConstraints, ParamConstraints

pytestmark = pytest.mark.docker

NAME = "torch.nn.functional.max_pool1d"
INTS = ["int", "sequence(int)"]
API = ApiConstraints(
    NAME,
    "max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False)",
    {
        "input": ParamConstraints("input", structure=["tensor"]),
        "kernel_size": ParamConstraints("kernel_size", structure=INTS),
        "stride": ParamConstraints("stride", structure=INTS, optional=True, default="None"),
        "padding": ParamConstraints("padding", structure=INTS, optional=True, default="0"),
        "dilation": ParamConstraints("dilation", structure=INTS, optional=True, default="1"),
        "ceil_mode": ParamConstraints("ceil_mode", structure=["bool"], optional=True, default="False"),
    },
)
BLOATED = Case(
    f"{NAME}#7",
    NAME,
    "boundary",
    {
        "input": tensor([2, 3, 8], "float64", layout="noncontiguous"),
        "kernel_size": seq([scalar("int", 2**63 - 1)], "list"),
        "padding": scalar("int", 0),
        "dilation": scalar("int", 1),
        "ceil_mode": scalar("bool", False),
    },
    seed=3,
)


def test_reducer_shrinks_a_real_crash_that_then_crashes_a_fresh_interpreter(docker_sandbox):
    adapter, config = TorchAdapter(), ExecConfig(timeout=30.0)
    with ForkServerExecutor(docker_sandbox, adapter.preload, config) as executor:
        first = executor.run([("original", render_case(adapter, API, BLOATED))])["original"]
        assert classify("boundary", first) == CRASH, first
        finding = Finding("f1", NAME, CRASH, signature(NAME, CRASH, first), BLOATED.id, "boundary", "", "")
        reduced = reduce_cases(adapter, {NAME: API}, [(finding, BLOATED)], executor, timeout=10.0)
    small, changed = reduced["f1"]
    assert changed and set(small.args) == {"input", "kernel_size"}
    assert case_size(BLOATED) == {"arguments": 5, "elements": 48, "items": 1}
    assert case_size(small)["elements"] == 1 and small.args["input"]["layout"] == "contiguous"
    assert small.args["kernel_size"]["items"] == [scalar("int", 2**63 - 1)]  # what the crash needs stays
    script = reproducer_script(finding, render_case(adapter, API, small), "2", "torch")
    verdicts = verify_all(docker_sandbox, [(finding, script)], config)
    assert verdicts["f1"][0] is True, verdicts


def test_slow_inputs_of_an_api_that_already_hangs_are_not_rerun(docker_sandbox):
    sleep = "import time\ntime.sleep(30)\n"
    inputs = [("lib.known#0", sleep), ("lib.fresh#0", sleep)]
    with ForkServerExecutor(docker_sandbox, "import time\n", ExecConfig(timeout=3.0)) as executor:
        results = run_inputs(executor, inputs, frozenset(), 3.0, 0.5, hung=frozenset({"lib.known"}))
    assert classify("ci", results["lib.known#0"]) == SLOW
    assert classify("ci", results["lib.fresh#0"]) == HANG


class _NoSessions:
    """A sandbox whose sessions cannot start (an engine gone away, an image missing)."""

    def session(self, **_: object) -> None:
        from repowright.sandbox import SandboxError

        raise SandboxError("the engine is gone")


def test_verification_that_cannot_start_a_sandbox_raises_instead_of_leaving_findings_unverified():
    finding = Finding("f1", NAME, CRASH, "sig", BLOATED.id, "boundary", "", "")
    other = Finding("f2", NAME, CRASH, "sig2", BLOATED.id, "boundary", "", "")
    from repowright.sandbox import SandboxError

    with pytest.raises(SandboxError, match="engine is gone"):
        verify_all(_NoSessions(), [(finding, "pass"), (other, "pass")], ExecConfig())  # type: ignore[arg-type]
