"""Minimal standalone reproducers: shrink a finding's input while it still fails the same way, then run the
script fresh in the sandbox to confirm it reproduces outside repowright."""

from __future__ import annotations

import copy
import functools
import inspect
import json
import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from repowright.analyzers.doc_constraints import ApiConstraints
from repowright.sandbox import Limits, Sandbox

from . import forkserver
from .executor import ExecConfig, ForkServerExecutor
from .findings import HANG, RESOURCE, WRONG, Finding, classify, signature
from .generate import Case

MAX_ROUNDS = 24  # greedy steps per finding; each round is one batch for all findings


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
    """Smaller variants of a case, each one step: an optional argument dropped; a tensor with a dimension
    halved or removed, its values all ones, a contiguous layout or float32; a sequence one item shorter; an
    integer or float replaced by a plainer one."""
    out: list[Case] = []

    def variant(edit: Callable[[dict], bool]) -> None:
        args = copy.deepcopy(case.args)
        if edit(args):
            out.append(
                Case(case.id, case.api, case.kind, args, case.sizes, case.violated, case.boundary, case.seed)
            )

    optional = [n for n in case.args if n in api.params and api.params[n].optional]
    if len(optional) > 1:  # big steps first: they save rounds when they keep the failure
        variant(functools.partial(_drop_all, optional))
    for name in optional:
        variant(functools.partial(_drop, name))
    for name, spec in case.args.items():
        for path, inner in _values(spec):
            for edit in _shrinks(inner):
                variant(functools.partial(_edit, name, path, edit))
    return out


def _values(spec: dict, path: tuple[int, ...] = ()) -> list[tuple[tuple[int, ...], dict]]:
    """Every value inside a spec (the spec itself, and a sequence's items), with its path of item indices."""
    found = [(path, spec)]
    if spec["kind"] == "seq":
        for i, item in enumerate(spec["items"]):
            found += _values(item, (*path, i))
    return found


def _edit(name: str, path: tuple[int, ...], edit: Callable[[dict], bool], args: dict) -> bool:
    spec = args[name]
    for i in path:
        spec = spec["items"][i]
    return edit(spec)


def _shrinks(spec: dict) -> list[Callable[[dict], bool]]:
    """The one-step simplifications of one value, big steps first (they save rounds when they keep the failure)."""
    kind = spec["kind"]
    if kind == "tensor":
        shape = spec["shape"]
        edits: list[Callable[[dict], bool]] = []
        if any(size > 1 for size in shape):
            edits.append(_ones_shape)
        if shape.count(1) >= 2:
            edits.append(_simplify_tensor_rank)
        edits += [functools.partial(_halve_dim, i) for i, size in enumerate(shape) if size > 1]
        edits += [functools.partial(_drop_dim, i) for i in range(len(shape))]
        if spec["fill"] in ("randn", "rand", "int") and spec.get("device") != "meta":
            edits.append(_fill_ones)
        if spec.get("layout", "contiguous") != "contiguous":
            edits.append(functools.partial(_set, "layout", "contiguous"))
        if spec["dtype"] != "float32":
            edits.append(_to_float32)
        return edits
    if kind == "seq" and len(spec["items"]) > 1:
        return [functools.partial(_drop_item, i) for i in range(len(spec["items"]))]
    if kind == "int" and spec["value"] not in (0, 1):
        return [
            functools.partial(_set, "value", 1),
            functools.partial(_set, "value", int(spec["value"]) // 2),
        ]
    if kind == "float" and spec["value"] not in (0.0, 1.0):
        return [functools.partial(_set, "value", 1.0)]
    return []


def _drop_all(names: list[str], args: dict) -> bool:
    return all(args.pop(name, None) is not None for name in names)


def _ones_shape(spec: dict) -> bool:
    """Every dimension of a tensor down to 1 at once."""
    spec["shape"] = [min(size, 1) for size in spec["shape"]]
    return True


def _drop(name: str, args: dict) -> bool:
    return args.pop(name, None) is not None


def _set(key: str, value, spec: dict) -> bool:
    changed = spec.get(key) != value
    spec[key] = value
    return changed


def _fill_ones(spec: dict) -> bool:
    spec.update(fill="full", low=1.0, high=1.0)
    return True


def _to_float32(spec: dict) -> bool:
    spec["dtype"] = "float32"
    if spec["fill"] == "int":
        spec.update(fill="full", low=float(spec["low"]), high=float(spec["low"]))
    return True


def _halve_dim(index: int, spec: dict) -> bool:
    spec["shape"][index] = max(1, spec["shape"][index] // 2)
    return True


def _drop_dim(index: int, spec: dict) -> bool:
    del spec["shape"][index]
    return True


def _simplify_tensor_rank(spec: dict) -> bool:
    """Drop every dimension of size 1 at once (a high-rank boundary tensor shrinks in one step)."""
    spec["shape"] = [size for size in spec["shape"] if size != 1] or [1]
    return True


def _drop_item(index: int, spec: dict) -> bool:
    del spec["items"][index]
    return True


def case_size(case: Case) -> dict[str, int]:
    """How big an input is: arguments passed, tensor elements, sequence items (the reducer's measure)."""
    elements = items = 0
    for spec in case.args.values():
        for _, inner in _values(spec):
            if inner["kind"] == "tensor":
                elements += math.prod(inner["shape"])
            elif inner["kind"] == "seq":
                items += len(inner["items"])
    return {"arguments": len(case.args), "elements": elements, "items": items}


def size_change(before: Case, after: Case) -> str:
    """The reducer's effect in words: `arguments 4 -> 2, elements 96 -> 1, items 3 -> 1`."""
    old, new = case_size(before), case_size(after)
    return ", ".join(f"{key} {old[key]} -> {new[key]}" for key in old)


def reduce_cases(
    adapter,
    apis: dict[str, ApiConstraints],
    items: list[tuple[Finding, Case]],
    executor: ForkServerExecutor,
    timeout: float | None = None,
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
        results = executor.run(inputs, timeout=timeout)
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
    sessions: int = 2,
) -> dict[str, tuple[bool, str]]:
    """Run each reproducer as a fresh interpreter (a new process, not the fork server) in a sandbox and check
    it fails the same way; the wrapper only sets the campaign's memory limit and reports the exception as JSON.
    The scripts are shared out over `sessions` sandboxes run side by side (a hang waits out its limit)."""
    shares = [share for i in range(max(1, sessions)) if (share := scripts[i::sessions])]
    verdicts: dict[str, tuple[bool, str]] = {}
    if not shares:
        return verdicts
    # A pool, not bare threads: a share whose sandbox fails raises here instead of leaving its verdicts out.
    with ThreadPoolExecutor(len(shares), thread_name_prefix="fuzz-verify") as pool:
        for part in pool.map(lambda share: _verify_share(sandbox, share, config, support_files), shares):
            verdicts.update(part)
    return verdicts


def _verify_share(
    sandbox: Sandbox,
    scripts: list[tuple[Finding, str]],
    config: ExecConfig,
    support_files: dict[str, str] | None,
) -> dict[str, tuple[bool, str]]:
    files = {**(support_files or {}), **{f"{f.id}.py": script for f, script in scripts}}
    files["wrap.py"] = VERIFY_WRAPPER.format(memory=config.memory_bytes)
    limits = Limits(timeout=max(600.0, config.timeout * 4), memory=config.container_memory, cpus=1.0)
    verdicts = {}
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
