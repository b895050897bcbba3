"""Boundary inputs, the campaign's schedule and the reducer's steps, on hand-written constraint records and
hand-written expectations (no check here reuses the code that built the values)."""

from __future__ import annotations

import math
from collections import Counter

from repowright.agent.fuzz.findings import CRASH, EXPECTED, OK, REJECTED
from repowright.agent.fuzz.generate import Case, generate_cases, mutate_case
from repowright.agent.fuzz.reproduce import case_size, shrink_candidates, size_change
from repowright.agent.fuzz.schedule import (
    FOUND_EVERY,
    UNPRODUCTIVE_EVERY,
    later_case,
    later_ids,
    make_plans,
    probe_ids,
    probe_size,
)
from repowright.agent.fuzz.values import scalar, seq, tensor
from repowright.analyzers.doc_constraints import ApiConstraints, ParamConstraints

API = ApiConstraints(
    "lib.pool",
    "pool(input, kernel_size, groups=1, p=0.5)",
    {
        "input": ParamConstraints("input", structure=["tensor"], ndim=[3]),
        "kernel_size": ParamConstraints("kernel_size", structure=["int", "sequence(int)"], range="[1,inf)"),
        "groups": ParamConstraints("groups", structure=["int"], default="1", optional=True),
        "p": ParamConstraints("p", structure=["float"], default="0.5", optional=True, range="[0,1]"),
    },
)


def boundary_cases(count: int = 600) -> list[Case]:
    return [c for c in generate_cases(API, count, seed=11) if c.kind == "boundary"]


def test_boundary_inputs_reach_every_edge_of_each_structure():
    ints, floats, shapes, fills, dtypes, nones, seqs, changed = (
        set(),
        set(),
        [],
        set(),
        set(),
        0,
        set(),
        Counter(),
    )
    for case in boundary_cases():
        changed[case.boundary.count(";") + 1] += 1
        for spec in case.args.values():
            kind = spec["kind"]
            if kind == "int":
                ints.add(spec["value"])
            elif kind == "float":
                floats.add(repr(spec["value"]))
            elif kind == "none":
                nones += 1
            elif kind == "tensor":
                shapes.append(spec["shape"])
                fills.add((spec["fill"], spec["low"]))
                dtypes.add(spec["dtype"])
            elif kind == "seq":
                seqs.add(len(spec["items"]))
                ints.update(i["value"] for i in spec["items"] if i["kind"] == "int")
    assert {2**63 - 1, -(2**63), -(2**31), 2**32, 0, -1} <= ints
    assert {"nan", "inf", "-inf"} <= floats
    assert nones > 0
    assert any(0 in s for s in shapes) and any(0 in s and max(s) >= 2**31 for s in shapes)
    assert any(len(s) >= 25 for s in shapes) and any(s == [] for s in shapes)
    assert ("full_int", 2**63 - 1) in fills or ("full_int", -(2**63)) in fills
    assert {"int", "nan"} <= {fill for fill, _ in fills}
    assert dtypes & {"uint16", "uint32", "uint64", "float8_e4m3fn", "float8_e5m2", "complex32"}
    assert 0 in seqs and max(seqs) >= 5
    assert set(changed) == {1, 2, 3}  # one to three arguments at their edges at once


def test_mutation_keeps_the_accepted_input_except_its_edges():
    base = Case(
        "lib.pool#2",
        "lib.pool",
        "ci",
        {"input": tensor([1, 2, 3]), "kernel_size": scalar("int", 2), "groups": scalar("int", 1)},
        {"kernel_size": 2},
        seed=99,
    )
    mutated = [mutate_case(API, base, i, seed=4) for i in range(10, 60)]
    assert repr(mutated) == repr([mutate_case(API, base, i, seed=4) for i in range(10, 60)])  # reproducible
    for case in mutated:
        assert case.kind == "boundary" and case.seed == 99
        assert "(on accepted input lib.pool#2)" in case.boundary
        named = {note.split(":")[0] for note in case.boundary.split(" (on")[0].split("; ")}
        same = {n for n in base.args if case.args.get(n) == base.args[n]}
        assert 1 <= len(named) <= 3 and same.isdisjoint(named - {"p"})
        assert set(base.args) - named <= same  # nothing but the named arguments changed
    assert base.args["kernel_size"] == scalar("int", 2)  # the base itself is never edited


def record(api: str, index: int, cls: str) -> dict:
    case = Case(f"{api}#{index}", api, "ci", {"x": scalar("int", index)}).to_dict()
    return {"id": f"{api}#{index}", "api": api, "cls": cls, "case": case}


def test_plans_follow_the_probe_only():
    records = [
        record("a.accepts", 0, OK),
        record("a.accepts", 1, REJECTED),
        record("b.rejects", 0, REJECTED),
        record("b.rejects", 1, EXPECTED),
        record("b.rejects", 7, OK),  # after the probe: does not change the plan
        record("c.crashes", 0, OK),
        record("c.crashes", 1, CRASH),
    ]
    plans = make_plans(records, probe=2)
    assert plans["a.accepts"].every == 1 and [c.id for c in plans["a.accepts"].accepted] == ["a.accepts#0"]
    assert plans["b.rejects"].every == UNPRODUCTIVE_EVERY and plans["b.rejects"].accepted == []
    assert plans["c.crashes"].every == FOUND_EVERY
    apis = ["a.accepts", "b.rejects", "c.crashes"]
    later = Counter(api for api, _ in later_ids(apis, 2, 10, plans))
    assert later == {"a.accepts": 8, "b.rejects": 2, "c.crashes": 4}  # indices 2..9: all, 4 and 8, even ones
    assert list(probe_ids(apis, 2))[:4] == [
        ("a.accepts", 0),
        ("b.rejects", 0),
        ("c.crashes", 0),
        ("a.accepts", 1),
    ]
    assert probe_size(400) == 40 and probe_size(3) == 1


def test_later_inputs_mutate_accepted_ones_about_half_the_time():
    base = Case("lib.pool#0", "lib.pool", "ci", {"input": tensor([1, 2, 3]), "kernel_size": scalar("int", 2)})
    plans = make_plans([{"id": base.id, "api": "lib.pool", "cls": OK, "case": base.to_dict()}], probe=1)
    cases = [later_case(API, i, 3, plans["lib.pool"]) for i in range(1, 201)]
    mutated = sum(1 for c in cases if c.boundary and "on accepted input lib.pool#0" in c.boundary)
    assert 60 < mutated < 140
    assert [c.id for c in cases] == [f"lib.pool#{i}" for i in range(1, 201)]


def test_shrink_steps_are_each_one_simplification():
    case = Case(
        "lib.pool#5",
        "lib.pool",
        "boundary",
        {
            "input": tensor([1] * 30 + [4, 6], "float64", layout="noncontiguous"),
            "kernel_size": seq([scalar("int", 2**63 - 1), scalar("int", 3)], "list"),
            "groups": scalar("int", 7),
            "p": scalar("float", 0.25),
        },
    )
    steps = shrink_candidates(case, API)
    assert set(steps[0].args) == {"input", "kernel_size"}  # every optional argument dropped at once, first
    assert any(c.args["input"]["shape"] == [1] * 32 for c in steps)  # every dimension down to 1 at once
    shapes = [c.args["input"]["shape"] for c in steps]
    assert [4, 6] in shapes  # every size-1 dimension dropped in one step
    assert [1] * 30 + [2, 6] in shapes and [1] * 29 + [4, 6] in shapes
    assert any(c.args["input"]["layout"] == "contiguous" for c in steps)
    assert any(c.args["input"]["dtype"] == "float32" for c in steps)
    assert any(c.args["input"]["fill"] == "full" for c in steps)
    assert any(c.args["kernel_size"]["items"] == [scalar("int", 3)] for c in steps)
    assert any(c.args["kernel_size"]["items"][0] == scalar("int", 1) for c in steps)
    assert any("groups" not in c.args for c in steps) and all("input" in c.args for c in steps)
    assert case.args["input"]["shape"] == [1] * 30 + [4, 6]  # candidates are copies
    assert any(c.args.get("p") == scalar("float", 1.0) for c in steps)
    assert case_size(case) == {"arguments": 4, "elements": 24, "items": 2}
    small = Case(case.id, case.api, case.kind, {"input": tensor([1])})
    assert size_change(case, small) == "arguments 4 -> 1, elements 24 -> 1, items 2 -> 0"
    assert math.prod(steps[0].args["input"]["shape"]) <= 24
