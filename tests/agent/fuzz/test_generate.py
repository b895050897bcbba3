"""Generation honours constraints: conforming inputs break none, violating inputs break exactly the one they
name; all of it reproducible from the seed, and every input renders to a standalone script."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from repowright.agent.fuzz.adapters import TorchAdapter, render_value
from repowright.agent.fuzz.generate import generate_cases
from repowright.agent.fuzz.reproduce import positional, render_case, shrink_candidates
from repowright.agent.fuzz.values import tensor, violations
from repowright.analyzers.api_docs import ApiDoc
from repowright.analyzers.doc_constraints import ParamConstraints, extract

DOCS = json.loads((Path(__file__).resolve().parents[2] / "data" / "fuzz" / "docstrings.json").read_text())
APIS = {name: extract(ApiDoc(**doc)) for name, doc in DOCS.items()}


# ---------------------------------------------------------------- an oracle independent of values.violations
# The generated inputs are built by torch in the sandbox (every assignment of the rendered script, not the call),
# and what torch built (type, dtype, shape, min/max) is checked below against the constraint record by rules
# written here from the record's meaning. So a generator bug, or a checker that finds nothing, fails these tests.

DESCRIBE = """
import json, sys, torch
def describe(v):
    if isinstance(v, torch.Tensor):
        d = {"kind": "tensor", "dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape)}
        if v.numel() and v.device.type != "meta" and v.dtype != torch.bool and not v.is_complex():
            d["min"], d["max"] = float(v.min()), float(v.max())
        return d
    for kind, types in (("bool", bool), ("int", int), ("float", float), ("str", str), ("dtype", torch.dtype),
                        ("layout", torch.layout), ("memory_format", torch.memory_format),
                        ("generator", torch.Generator)):
        if isinstance(v, types):
            return {"kind": kind, "value": v if kind in ("bool", "int", "float", "str") else str(v)}
    if v is None:
        return {"kind": "none"}
    if isinstance(v, (list, tuple)):
        return {"kind": type(v).__name__, "items": [describe(x) for x in v]}
    return {"kind": "callable" if callable(v) else type(v).__name__}
out = {}
for case_id, names, code in json.load(open(sys.argv[1])):
    scope = {}
    exec(code, scope)
    out[case_id] = {n: describe(scope[n + "_"]) for n in names}
print(json.dumps(out))
"""


def built_values(sandbox, cases: list[tuple[str, list[str], str]]) -> dict[str, dict]:
    """What torch builds from each case's assignments, described as JSON (run in the sandbox)."""
    from repowright.agent.fuzz.executor import ExecConfig
    from repowright.sandbox import Limits

    config = ExecConfig()
    with sandbox.session(
        limits=Limits(timeout=600, memory="4g"), mounts=config.mounts(), env=config.env
    ) as s:
        s.put_files({"describe.py": DESCRIBE, "cases.json": json.dumps(cases)})
        done = s.exec([config.python, "describe.py", "cases.json"], timeout=600)
    assert done.exit_code == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


SCALAR_OK = {
    "int": {"int"},
    "float": {"float", "int"},
    "number": {"int", "float"},
    "bool": {"bool"},
    "str": {"str"},
    "dtype": {"dtype"},
    "device": {"str"},
    "layout": {"layout"},
    "memory_format": {"memory_format"},
    "generator": {"generator"},
    "callable": {"callable"},
    "tensor": {"tensor"},
}


def fits_structure(kinds: list[str], value: dict) -> bool:
    for kind in kinds:
        if kind.startswith("sequence("):
            element = kind[len("sequence(") : -1]
            if value["kind"] in ("list", "tuple") and all(
                fits_structure([element], i) for i in value["items"]
            ):
                return True
        elif value["kind"] in SCALAR_OK.get(kind, set()):
            return True
    return False


def numbers(value: dict) -> list[float]:
    if value["kind"] in ("int", "float"):
        return [float(value["value"])]
    if value["kind"] == "tensor":
        return [value[k] for k in ("min", "max") if k in value]
    if value["kind"] in ("list", "tuple"):
        return [x for item in value["items"] for x in numbers(item)]
    return []


def inside(x: float, interval: str) -> bool:
    low, high = interval.strip("[]() ").split(",")
    lo, hi = float(low), float(high)
    return (lo <= x if interval.strip().startswith("[") else lo < x) and (
        x <= hi if interval.strip().endswith("]") else x < hi
    )


def shape_fits(documented: list[str], shape: list[int], sizes: dict[str, int]) -> bool:
    if any(d == "*" or "..." in d for d in documented):
        return len(shape) >= len(documented) - 1
    if len(documented) != len(shape):
        return False
    for dim, size in zip(documented, shape, strict=True):
        want = int(dim) if dim.isdigit() else sizes.get(dim)
        if "/" in dim and all(p in sizes for p in dim.split("/")) and sizes[dim.split("/")[1]]:
            want = sizes[dim.split("/")[0]] // sizes[dim.split("/")[1]]
        if want is not None and want != size:
            return False
    return True


def broken_constraints(param: ParamConstraints, value: dict | None, sizes: dict[str, int]) -> set[str]:
    """The categories of `param` that the value torch built breaks."""
    if value is None or value["kind"] == "none":
        return set() if param.optional or value is None and param.default is not None else {"optional"}
    if param.structure and not fits_structure(param.structure, value):
        return {"structure"}
    broken = set()
    if value["kind"] == "tensor":
        if param.dtype and value["dtype"] not in param.dtype:
            broken.add("dtype")
        if param.ndim and len(value["shape"]) not in param.ndim:
            broken.add("ndim")
        elif param.shape and not any(shape_fits(s, value["shape"], sizes) for s in param.shape):
            broken.add("shape")
    interval = param.range
    if (
        interval
        and re.fullmatch(r"[\[(]\s*-?[\d.]+|[\[(]\s*-inf", interval.split(",")[0])
        and not all(inside(x, interval) for x in numbers(value))
    ):
        broken.add("range")
    if param.enum and value["kind"] == "str" and value["value"] not in param.enum:
        broken.add("enum")
    return broken


@pytest.fixture(scope="module")
def built(docker_sandbox) -> tuple[dict, dict]:
    cases, scripts = {}, []
    for api in APIS.values():
        for case in generate_cases(api, 40, seed=7):
            cases[case.id] = (api, case)
            if case.kind in ("ci", "vi"):
                code = render_case(TorchAdapter(), api, case)
                assignments = "\n".join(line for line in code.splitlines() if not line.startswith("result ="))
                scripts.append((case.id, list(case.args), assignments))
    return cases, built_values(docker_sandbox, scripts)


@pytest.mark.docker
@pytest.mark.parametrize("name", sorted(APIS))
def test_ci_conforms_and_vi_breaks_exactly_one(name, built):
    cases, values = built
    kinds = Counter()
    for case_id, (api, case) in cases.items():
        if api.api != name:
            continue
        kinds[case.kind] += 1
        compile(render_case(TorchAdapter(), api, case), case.id, "exec")
        if case.kind == "boundary":
            assert case.boundary
            continue
        got = values[case_id]
        broken = {
            (p, c)
            for p, param in api.params.items()
            for c in broken_constraints(param, got.get(p), case.sizes)
        }
        if case.kind == "ci":
            assert broken == set(), (case.id, broken, got)
        else:
            assert broken == {tuple(case.violated)}, (case.id, broken, case.violated, got)
    assert kinds["ci"] > 0 and kinds["ci"] + kinds["vi"] + kinds["boundary"] == 40


def test_oracle_sees_each_kind_of_violation():
    """The oracle itself, on hand-written values with hand-written expected violations."""
    p = ParamConstraints("x", structure=["tensor"], dtype=["int64"], ndim=[2], range="[0, inf)")
    good = {"kind": "tensor", "dtype": "int64", "shape": [2, 2], "min": 0.0, "max": 3.0}
    assert broken_constraints(p, good, {}) == set()
    assert broken_constraints(p, {**good, "dtype": "float32"}, {}) == {"dtype"}
    assert broken_constraints(p, {**good, "shape": [2]}, {}) == {"ndim"}
    assert broken_constraints(p, {**good, "min": -3.0}, {}) == {"range"}
    assert broken_constraints(p, {"kind": "str", "value": "x"}, {}) == {"structure"}
    q = ParamConstraints("y", structure=["int", "sequence(int)"], range="[0, inf)")
    assert broken_constraints(q, {"kind": "tuple", "items": [{"kind": "int", "value": 1}]}, {}) == set()
    assert broken_constraints(q, {"kind": "list", "items": [{"kind": "int", "value": -1}]}, {}) == {"range"}
    assert broken_constraints(q, {"kind": "float", "value": 1.5}, {}) == {"structure"}
    s = ParamConstraints("w", structure=["tensor"], shape=[["N", "C"]])
    assert broken_constraints(s, {"kind": "tensor", "dtype": "float32", "shape": [2, 3]}, {"C": 4}) == {
        "shape"
    }
    e = ParamConstraints("mode", structure=["str"], enum=["mean", "sum"])
    assert broken_constraints(e, {"kind": "str", "value": "max"}, {}) == {"enum"}


def test_conv2d_inputs_share_named_dimensions():
    api = APIS["torch.nn.functional.conv2d"]
    for case in generate_cases(api, 60, seed=1):
        if case.kind != "ci":
            continue
        x, w = case.args["input"]["shape"], case.args["weight"]["shape"]
        groups = case.args.get("groups", {"value": 1})["value"]
        assert len(x) == 4 and len(w) == 4 and x[1] == case.sizes["in_channels"]
        if groups and case.sizes["in_channels"] % groups == 0:
            assert w[1] == case.sizes["in_channels"] // groups
        if "bias" in case.args:
            assert case.args["bias"]["shape"] == [w[0]]


def test_violations_cover_every_category_the_docs_give():
    seen = Counter()
    for api in APIS.values():
        for case in generate_cases(api, 40, seed=3):
            if case.kind == "vi":
                seen[case.violated[1]] += 1
    assert set(seen) >= {"structure", "dtype", "ndim", "shape", "range", "enum"}, seen


def test_same_seed_same_inputs_other_seed_others():
    api = APIS["torch.nn.functional.interpolate"]
    first = [c.to_dict() for c in generate_cases(api, 20, seed=5)]
    assert first == [c.to_dict() for c in generate_cases(api, 20, seed=5)]
    assert first != [c.to_dict() for c in generate_cases(api, 20, seed=6)]


def test_checker_sees_each_kind_of_violation():
    p = ParamConstraints("x", structure=["tensor"], dtype=["int64"], ndim=[2], range="[0, inf)")
    assert violations(p, tensor([2, 2], "int64", 0, 3, fill="int"), {}) == []
    assert violations(p, tensor([2, 2], "float32", 0, 1, fill="rand"), {}) == ["dtype"]
    assert violations(p, tensor([2], "int64", 0, 3, fill="int"), {}) == ["ndim"]
    assert violations(p, tensor([2, 2], "int64", -3, 3, fill="int"), {}) == ["range"]
    assert violations(p, {"kind": "str", "value": "x"}, {}) == ["structure"]
    assert violations(p, None, {}) == ["optional"]


def test_rendering_and_reduction_candidates():
    assert (
        render_value(tensor([2, 3], layout="noncontiguous"))
        == "torch.randn([2, 6], dtype=torch.float32)[..., ::2]"
    )
    assert render_value(tensor([2, 3], layout="zero_stride")).endswith(".expand([2, 3])")
    assert render_value({"kind": "float", "value": float("nan")}) == "float('nan')"
    api = APIS["torch.nn.functional.conv2d"]
    case = next(c for c in generate_cases(api, 30, seed=2) if "stride" in c.args)
    assert positional(api, case.args)[:2] == ["input", "weight"]
    smaller = shrink_candidates(case, api)
    assert any("stride" not in c.args for c in smaller)
    assert all(
        c.args["input"]["shape"] != case.args["input"]["shape"] or c.args != case.args for c in smaller
    )
