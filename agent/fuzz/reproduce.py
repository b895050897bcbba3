"""Minimal standalone reproducers: shrink a finding's input while it still fails the same way, then run the
script fresh in the sandbox to confirm it reproduces outside repowright."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable

from analyzers.doc_constraints import ApiConstraints
from sandbox import Limits, Sandbox

from .executor import ExecConfig, ForkServerExecutor
from .findings import HANG, RESOURCE, Finding, classify, signature
from .generate import Case

MAX_ROUNDS = 6


def positional(api: ApiConstraints, args: dict) -> list[str]:
    """Parameters passed positionally: the leading non-keyword-only ones, up to the first one left out."""
    names = []
    for name, param in api.params.items():
        if param.keyword_only or name not in args:
            break
        names.append(name)
    return names


def render_case(adapter, api: ApiConstraints, case: Case) -> str:
    return adapter.render(case.api, case.args, case.seed, positional(api, case.args))


def shrink_candidates(case: Case, api: ApiConstraints) -> list[Case]:
    """Smaller variants of a case: optional arguments dropped, tensor dimensions halved, values simplified."""
    out: list[Case] = []

    def variant(edit: Callable[[dict], bool]) -> None:
        args = copy.deepcopy(case.args)
        if edit(args):
            out.append(Case(case.id, case.api, case.kind, args, case.sizes, case.violated, case.boundary, case.seed))

    for name in case.args:
        if api.params[name].optional:
            variant(lambda a, n=name: a.pop(n, None) is not None)
    for name, spec in case.args.items():
        if spec["kind"] != "tensor":
            continue
        for i, size in enumerate(spec["shape"]):
            if size > 1:
                variant(lambda a, n=name, i=i: _set_dim(a[n], i))
        if spec["fill"] == "randn":
            variant(lambda a, n=name: a[n].update(fill="full", low=1.0, high=1.0) is None)
    return out


def _set_dim(spec: dict, index: int) -> bool:
    spec["shape"][index] = max(1, spec["shape"][index] // 2)
    return True


def reduce_case(adapter, api: ApiConstraints, case: Case, finding_sig: str, executor: ForkServerExecutor) -> tuple[
        Case, bool]:
    """Greedy reduction: each round runs all candidates in one batch and keeps the first with the same signature."""
    current, reduced = case, False
    for _ in range(MAX_ROUNDS):
        candidates = shrink_candidates(current, api)
        if not candidates:
            break
        inputs = [(f"r{i}", render_case(adapter, api, c)) for i, c in enumerate(candidates)]
        results = executor.run(inputs)
        keep = None
        for i, candidate in enumerate(candidates):
            result = results.get(f"r{i}")
            if result and signature(api.api, classify(case.kind, result), result) == finding_sig:
                keep = candidate
                break
        if keep is None:
            break
        current, reduced = keep, True
    return current, reduced


def reproducer_script(finding: Finding, body: str, version: str, library: str) -> str:
    """The standalone script: what it shows as a comment header, then the call."""
    expected = finding.detail.replace("\n", " ")[:300]
    header = [f"# Reproducer for {finding.api} ({finding.cls}), found by repowright fuzz.",
              f"# {library} {version}; input {finding.case_id}: {finding.constraint}.",
              f"# Expected outcome: {expected}",
              f"# Run: python {finding.id}.py"]
    return "\n".join(header) + "\n" + body


VERIFY_WRAPPER = """import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
try:
    exec(compile(open("repro.py").read(), "repro.py", "exec"), {{"__name__": "__main__"}})
except BaseException as exc:
    sys.stderr.write("\\nREPROWRIGHT-EXCEPTION " + json.dumps({{"exc_type": type(exc).__name__,
                                                                "message": str(exc)}}) + "\\n")
    sys.exit(1)
"""


def verify(sandbox: Sandbox, finding: Finding, script: str, config: ExecConfig) -> tuple[bool, str]:
    """Run the reproducer as a fresh interpreter in a new sandbox and check it fails the same way (the wrapper
    only sets the same memory limit as the campaign and reports the exception as JSON)."""
    limit = config.timeout * 2 + 10 if finding.cls == HANG else config.timeout * 3 + 30
    result = sandbox.run([config.python, "wrap.py"],
                         files={"repro.py": script, "wrap.py": VERIFY_WRAPPER.format(memory=config.memory_bytes)},
                         limits=Limits(timeout=limit, memory=config.container_memory, cpus=1.0),
                         mounts=config.mounts(), env=config.env)
    if finding.cls == HANG:
        return result.timed_out, "timed out again" if result.timed_out else f"finished (exit {result.exit_code})"
    if result.signal and not result.timed_out:
        outcome = {"status": "signal", "signal": result.signal}
    else:
        marker = [line for line in result.stderr.splitlines() if line.startswith("REPROWRIGHT-EXCEPTION ")]
        if not marker:
            return False, "ran without error" if result.exit_code == 0 else f"exit {result.exit_code}"
        outcome = {"status": "exception", **json.loads(marker[-1].split(" ", 1)[1])}
    got = signature(finding.api, classify(finding.kind, outcome), outcome)
    if finding.cls == RESOURCE:
        return classify(finding.kind, outcome) == RESOURCE, got.split(" | ", 2)[2] or "resource exhaustion"
    return got == finding.signature, (got.split(" | ", 2)[2] if got == finding.signature
                                      else f"got {got.split(' | ', 1)[1]}")
