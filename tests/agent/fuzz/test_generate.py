"""Generation honours constraints: conforming inputs break none, violating inputs break exactly the one they
name; all of it reproducible from the seed, and every input renders to a standalone script."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from repowright.agent.fuzz.adapters import TorchAdapter, render_value
from repowright.agent.fuzz.generate import generate_cases
from repowright.agent.fuzz.reproduce import positional, render_case, shrink_candidates
from repowright.agent.fuzz.values import case_violations, tensor, violations
from repowright.analyzers.api_docs import ApiDoc
from repowright.analyzers.doc_constraints import ParamConstraints, extract

DOCS = json.loads((Path(__file__).resolve().parents[2] / "data" / "fuzz" / "docstrings.json").read_text())
APIS = {name: extract(ApiDoc(**doc)) for name, doc in DOCS.items()}


@pytest.mark.parametrize("name", sorted(APIS))
def test_ci_conforms_and_vi_breaks_exactly_one(name):
    api = APIS[name]
    cases = generate_cases(api, 40, seed=7)
    kinds = Counter(c.kind for c in cases)
    for case in cases:
        broken = case_violations(api, case.args, case.sizes)
        if case.kind == "ci":
            assert broken == [], (case.id, broken, case.args)
        elif case.kind == "vi":
            assert broken == [tuple(case.violated)], (case.id, broken, case.violated)
        else:
            assert case.boundary
        compile(render_case(TorchAdapter(), api, case), case.id, "exec")
    assert kinds["ci"] > 0 and kinds["ci"] + kinds["vi"] + kinds["boundary"] == 40


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
    assert render_value(tensor([2, 3], layout="noncontiguous")) == "torch.randn([2, 6], dtype=torch.float32)[..., ::2]"
    assert render_value(tensor([2, 3], layout="zero_stride")).endswith(".expand([2, 3])")
    assert render_value({"kind": "float", "value": float("nan")}) == "float('nan')"
    api = APIS["torch.nn.functional.conv2d"]
    case = next(c for c in generate_cases(api, 30, seed=2) if "stride" in c.args)
    assert positional(api, case.args)[:2] == ["input", "weight"]
    smaller = shrink_candidates(case, api)
    assert any("stride" not in c.args for c in smaller)
    assert all(c.args["input"]["shape"] != case.args["input"]["shape"] or c.args != case.args for c in smaller)
