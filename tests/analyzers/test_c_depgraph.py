"""The C dependency graph on a fixture project whose units and edges are known by hand."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from repowright.analyzers.c_depgraph import build_c_depgraph, order_violations
from repowright.analyzers.c_macros import FunctionMacro, expand, split_arguments
from repowright.evals.c2rust_plan import ctags_functions, match_ctags, regex_call_check

PROJECT = Path(__file__).parents[1] / "data" / "c2rust" / "project"

EXPECTED_UNITS = {
    "main.c::helper": "function",
    "util.c::helper": "function",
    "main.c::scale": "function",
    "main.c::pick": "function",
    "main.c::get_counter": "function",
    "main.c::entry": "function",
    "main.c::main": "function",
    "ops.c::op_add": "function",
    "ops.c::op_mul": "function",
    "util.c::util_sum": "function",
    "ops.c::counter": "global",
    "main.c::table": "global",
    "shapes.h::Point": "typedef",
    "shapes.h::binop": "typedef",
    "shapes.h::enum Color": "enum",
    "shapes.h::MAX": "macro",
    "shapes.h::API": "macro",
    "shapes.h::DEFINE_GETTER": "macro",
    "shapes.h::SHAPES_H": "macro",
    "main.c::NORETURN": "macro",
    "main.c::Range": "typedef",
    "main.c::fail": "function",
}
EXPECTED_EDGES = {
    ("main.c::scale", "main.c::helper", "calls"),  # the static helper of its own file
    ("util.c::util_sum", "util.c::helper", "calls"),  # not main.c's helper of the same name
    ("util.c::util_sum", "shapes.h::MAX", "uses_macro"),
    ("util.c::util_sum", "shapes.h::Point", "uses_type"),
    ("main.c::table", "ops.c::op_add", "references"),  # function pointers in an initializer
    ("main.c::table", "ops.c::op_mul", "references"),
    ("main.c::table", "shapes.h::binop", "uses_type"),
    ("main.c::entry", "main.c::table", "uses_global"),
    ("main.c::entry", "shapes.h::API", "uses_macro"),
    ("main.c::get_counter", "ops.c::counter", "uses_global"),
    ("main.c::get_counter", "shapes.h::DEFINE_GETTER", "uses_macro"),
    ("main.c::pick", "shapes.h::enum Color", "uses_type"),
    ("ops.c::op_add", "ops.c::counter", "uses_global"),
    ("ops.c::op_mul", "ops.c::counter", "uses_global"),
    ("main.c::main", "util.c::util_sum", "calls"),
    ("main.c::main", "main.c::scale", "calls"),
    ("main.c::main", "main.c::pick", "calls"),
    ("main.c::main", "main.c::entry", "calls"),
    ("main.c::main", "main.c::get_counter", "calls"),
    ("main.c::main", "shapes.h::Point", "uses_type"),
    ("main.c::main", "shapes.h::enum Color", "uses_type"),
    ("main.c::main", "main.c::fail", "calls"),
    # the typedef after `void fail(int) NORETURN;` is not swallowed by a misread K&R definition
    ("main.c::main", "main.c::Range", "uses_type"),
}


@pytest.fixture(scope="module")
def plan() -> dict:
    return build_c_depgraph(PROJECT).to_json()


def test_units_are_exactly_the_definitions(plan):
    assert {u["id"]: u["kind"] for u in plan["units"]} == EXPECTED_UNITS


def test_edges_are_exactly_the_known_dependencies(plan):
    assert {(e["from"], e["to"], e["kind"]) for e in plan["edges"]} == EXPECTED_EDGES


def test_order_puts_dependencies_first(plan):
    assert order_violations(plan) == []
    flat = [uid for component in plan["order"] for uid in component]
    assert flat.index("ops.c::op_add") < flat.index("main.c::table") < flat.index("main.c::entry")
    assert flat.index("main.c::main") == len(flat) - 1


def test_order_violations_detects_a_bad_order(plan):
    bad = dict(plan, order=list(reversed(plan["order"])))
    assert any("main.c::main" in p for p in order_violations(bad))


def test_ifdef_branches_k_and_r_and_macro_names(plan):
    units = {u["id"]: u for u in plan["units"]}
    assert units["main.c::pick"]["alternatives"] == [[28, 31]]
    assert units["main.c::pick"]["condition"] == "#ifdef USE_FAST"
    assert (units["main.c::scale"]["start_line"], units["main.c::scale"]["end_line"]) == (18, 23)
    assert units["main.c::scale"]["depends_on"] == ["main.c::helper"]  # K&R parameters are not globals
    assert units["main.c::entry"]["via_macro"] == "API"
    assert units["main.c::get_counter"]["via_macro"] == "DEFINE_GETTER"
    assert units["main.c::get_counter"]["start_line"] == 34
    assert (units["main.c::fail"]["start_line"], units["main.c::Range"]["start_line"]) == (41, 8)
    assert (units["shapes.h::MAX"]["start_line"], units["shapes.h::MAX"]["end_line"]) == (4, 4)
    assert (units["shapes.h::DEFINE_GETTER"]["start_line"], units["shapes.h::DEFINE_GETTER"]["end_line"]) == (
        6,
        7,
    )
    assert units["util.c::helper"]["static"] and not units["ops.c::op_add"]["static"]


def test_includes(plan):
    assert plan["includes"] == [["main.c", "shapes.h"], ["ops.c", "shapes.h"], ["util.c", "shapes.h"]]


def test_every_ctags_function_is_listed(plan):
    assert shutil.which("ctags"), "Universal Ctags is part of the setup (apt-get install universal-ctags)"
    tags = ctags_functions(PROJECT)
    result = match_ctags(plan, tags)
    assert result["ctags_functions"] == 11 and result["missing"] == []
    assert result["matched_via_macro"] == 1  # ctags names `API(entry)` after the macro


def test_macro_expansion_pastes_and_stringizes():
    macro = FunctionMacro("DEF", ("n", "v"), "int get_##n(void) { puts(#n); return v; }")
    assert expand(macro, ["speed", "f(1, 2)"]) == 'int get_speed(void) { puts("speed"); return f(1, 2); }'
    assert split_arguments("a, f(b, c), {1, 2}") == ["a", "f(b, c)", "{1, 2}"]


def test_sources_select_the_c_files_of_one_program():
    plan = build_c_depgraph(PROJECT, sources=["ops.c"]).to_json()
    assert {u["file"] for u in plan["units"]} == {"ops.c", "shapes.h"}
    assert order_violations(plan) == []


def test_every_call_written_in_a_body_is_an_edge():
    result = regex_call_check(build_c_depgraph(PROJECT))
    assert result["regex_calls"] == 8 and result["regex_calls_missing_from_graph"] == []
