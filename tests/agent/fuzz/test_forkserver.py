"""The fork server in the real Docker sandbox: a segfault, an abort, a floating point exception, a bus error
and a hang each end one child, are recorded as such, and the inputs after them still run."""

from __future__ import annotations

import signal

import pytest

from repowright.agent.fuzz.executor import ExecConfig, ForkServerExecutor

pytestmark = pytest.mark.docker

PLANTED = [
    ("before", "import torch\nresult = torch.ones(2) + 1\n"),
    ("segfault", "import ctypes\nctypes.string_at(0)\n"),
    ("abort", "import os\nos.abort()\n"),
    ("fpe", "import os, signal\nos.kill(os.getpid(), signal.SIGFPE)\n"),
    ("bus", "import os, signal\nos.kill(os.getpid(), signal.SIGBUS)\n"),
    ("hang", "import time\nwhile True:\n    time.sleep(0.01)\n"),
    ("error", "import torch\ntorch.zeros(2, 3) @ torch.zeros(2, 3)\n"),
    ("memory", "import torch\nx = torch.empty(10**11)\n"),
    ("noisy", "import sys\nprint('to stdout')\nsys.stderr.write('to stderr')\n"),
    ("after", "import torch\nassert torch.tensor([1, 2]).sum().item() == 3\n"),
]


def test_fork_server_survives_crashes_and_hangs(docker_sandbox):
    with ForkServerExecutor(docker_sandbox, "import torch\n", ExecConfig(timeout=2.0)) as executor:
        results = executor.run(PLANTED)
        again = executor.run([("second-batch", "import torch\nresult = torch.arange(3)\n")])
    assert [results[i]["status"] for i, _ in PLANTED] == [
        "ok",
        "signal",
        "signal",
        "signal",
        "signal",
        "timeout",
        "exception",
        "exception",
        "ok",
        "ok",
    ]
    assert results["segfault"]["signal"] == signal.SIGSEGV
    assert results["abort"]["signal"] == signal.SIGABRT
    assert results["fpe"]["signal"] == signal.SIGFPE
    assert results["bus"]["signal"] == signal.SIGBUS
    assert results["hang"]["seconds"] >= 2.0
    assert (
        results["error"]["exc_type"] == "RuntimeError"
        and "cannot be multiplied" in results["error"]["message"]
    )
    assert "allocate" in results["memory"]["message"]  # the per-child memory limit turns it into an error
    assert again["second-batch"]["status"] == "ok"
