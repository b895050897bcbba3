"""Minimal standalone reproducers: shrink a finding's input while it still fails the same way, then run the
script fresh in the sandbox to confirm it reproduces outside repowright."""

from __future__ import annotations

import copy
import functools
import inspect
import json
from collections.abc import Callable

from repowright.analyzers.doc_constraints import ApiConstraints
from repowright.sandbox import Limits, Sandbox

from . import forkserver
from .executor import ExecConfig, ForkServerExecutor
from .findings import HANG, RESOURCE, WRONG, Finding, classify, signature
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
            out.append(
                Case(case.id, case.api, case.kind, args, case.sizes, case.violated, case.boundary, case.seed)
            )

    for name in case.args:
        if api.params[name].optional:
            variant(functools.partial(_drop, name))
    for name, spec in case.args.items():
        if spec["kind"] != "tensor":
            continue
        for i, size in enumerate(spec["shape"]):
            if size > 1:
                variant(functools.partial(_halve_dim, name, i))
        if spec["fill"] == "randn":
            variant(functools.partial(_fill_ones, name))
    return out


def _drop(name: str, args: dict) -> bool:
    return args.pop(name, None) is not None


def _fill_ones(name: str, args: dict) -> bool:
    args[name].update(fill="full", low=1.0, high=1.0)
    return True


def _halve_dim(name: str, index: int, args: dict) -> bool:
    args[name]["shape"][index] = max(1, args[name]["shape"][index] // 2)
    return True


def reduce_cases(
    adapter, apis: dict[str, ApiConstraints], items: list[tuple[Finding, Case]], executor: ForkServerExecutor
) -> dict[str, tuple[Case, bool]]:
    """Greedy reduction of many findings at once: each round runs every finding's candidates in one batch and
    keeps, per finding, the first candidate that still fails with the same signature."""
    state = {f.id: (case, False) for f, case in items}
    active = {f.id: f for f, _ in items}
    for _ in range(MAX_ROUNDS):
        inputs: list[tuple[str, str]] = []
        owners: list[tuple[str, Case]] = []
        for fid, finding in active.items():
            for candidate in shrink_candidates(state[fid][0], apis[finding.api]):
                owners.append((fid, candidate))
                inputs.append((f"r{len(inputs)}", render_case(adapter, apis[finding.api], candidate)))
        if not inputs:
            break
        results = executor.run(inputs)
        progressed = set()
        for i, (fid, candidate) in enumerate(owners):
            if fid in progressed:
                continue
            result, finding = results.get(f"r{i}"), active[fid]
            if result and signature(finding.api, classify(finding.kind, result), result) == finding.signature:
                state[fid] = (candidate, True)
                progressed.add(fid)
        active = {fid: f for fid, f in active.items() if fid in progressed}
        if not active:
            break
    return state


TWICE = """first = result
{body}
second = result
if not same(first, second):
    raise AssertionError("{marker}: " + repr(first)[:200] + " then " + repr(second)[:200])
"""
MISMATCH_MARKER = "two runs of the same call disagree"


def reproducer_script(finding: Finding, body: str, version: str, library: str) -> str:
    """The standalone script: what it shows as a comment header, then the call (twice, compared, for a wrong
    result)."""
    expected = finding.detail.replace("\n", " ")[:300]
    header = [
        f"# Reproducer for {finding.api} ({finding.cls}), found by repowright fuzz.",
        f"# {library} {version}; input {finding.case_id}: {finding.constraint}.",
        f"# Expected outcome: {expected}",
        f"# Run: python {finding.id}.py",
    ]
    if finding.cls == WRONG:
        compare = inspect.getsource(forkserver.same)
        body = (
            "import sys\n" + compare + "\n" + body + TWICE.format(body=body.rstrip(), marker=MISMATCH_MARKER)
        )
    return "\n".join(header) + "\n" + body


VERIFY_WRAPPER = """import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
try:
    exec(compile(open(sys.argv[1]).read(), sys.argv[1], "exec"), {{"__name__": "__main__"}})
except BaseException as exc:
    sys.stderr.write("\\nREPROWRIGHT-EXCEPTION " + json.dumps({{"exc_type": type(exc).__name__,
                                                                "message": str(exc)}}) + "\\n")
    sys.exit(1)
"""


def verify_all(
    sandbox: Sandbox,
    scripts: list[tuple[Finding, str]],
    config: ExecConfig,
    support_files: dict[str, str] | None = None,
) -> dict[str, tuple[bool, str]]:
    """Run each reproducer as a fresh interpreter (a new process, not the fork server) in one sandbox and check
    it fails the same way; the wrapper only sets the campaign's memory limit and reports the exception as JSON."""
    verdicts: dict[str, tuple[bool, str]] = {}
    if not scripts:
        return verdicts
    files = {**(support_files or {}), **{f"{f.id}.py": script for f, script in scripts}}
    files["wrap.py"] = VERIFY_WRAPPER.format(memory=config.memory_bytes)
    limits = Limits(timeout=max(600.0, config.timeout * 4), memory=config.container_memory, cpus=1.0)
    with sandbox.session(limits=limits, mounts=config.mounts(), env=config.env) as session:
        session.put_files(files)
        for finding, _ in scripts:
            limit = config.timeout * 2 + 10 if finding.cls == HANG else config.timeout * 3 + 30
            result = session.exec([config.python, "wrap.py", f"{finding.id}.py"], timeout=limit)
            verdicts[finding.id] = judge(finding, result)
    return verdicts


def judge(finding: Finding, result) -> tuple[bool, str]:
    """Whether a fresh run's result shows the same finding."""
    if finding.cls == HANG:
        return (
            result.timed_out,
            "timed out again" if result.timed_out else f"finished (exit {result.exit_code})",
        )
    if result.signal and not result.timed_out:
        outcome = {"status": "signal", "signal": result.signal}
    else:
        marker = [line for line in result.stderr.splitlines() if line.startswith("REPROWRIGHT-EXCEPTION ")]
        if not marker:
            return False, "ran without error" if result.exit_code == 0 else f"exit {result.exit_code}"
        outcome = {"status": "exception", **json.loads(marker[-1].split(" ", 1)[1])}
    if finding.cls == WRONG:
        disagree = outcome.get("exc_type") == "AssertionError" and MISMATCH_MARKER in outcome.get(
            "message", ""
        )
        return disagree, outcome.get("message", "")[:200] if disagree else "the two runs agreed"
    got = signature(finding.api, classify(finding.kind, outcome), outcome)
    if finding.cls == RESOURCE:
        return classify(finding.kind, outcome) == RESOURCE, got.split(" | ", 2)[2] or "resource exhaustion"
    return got == finding.signature, (
        got.split(" | ", 2)[2] if got == finding.signature else f"got {got.split(' | ', 1)[1]}"
    )
