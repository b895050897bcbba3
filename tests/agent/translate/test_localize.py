"""Model-free localization: the first wrong line is traced back to the printf format that wrote it."""

from __future__ import annotations

from pathlib import Path

from repowright.agent.translate.crate import (
    compose_main,
    drop_redefinitions,
    item_names,
    rust_block,
    signatures,
)
from repowright.agent.translate.localize import first_difference, format_regex, localize, suspects
from repowright.analyzers.c_depgraph import build_c_depgraph

DATA = Path(__file__).parents[2] / "data" / "c2rust"


def test_format_regex_matches_what_printf_writes():
    assert format_regex("%-5s %08x %6.2f%%").fullmatch("alpha 4f9f2cab  50.00%")
    assert not format_regex("lines %ld, words %ld").fullmatch("mean word length 3")


def test_localize_picks_the_unit_whose_format_printed_the_wrong_line():
    plan = build_c_depgraph(DATA / "loop" / "c")
    expected = "alpha 4f9f2cab  50.00%\nbeta  7c3a3fa2 100.00%\n"
    actual = "alpha 4f9f2cab  50.0%\nbeta  7c3a3fa2 100.0%\n"
    assert first_difference(expected, actual) == "alpha 4f9f2cab  50.00%\n"
    assert localize(plan.ordered_units(), expected, actual)[0] == "calc.c::print_row"
    # a wrong usage message on stderr points at main, the unit that prints it
    assert localize(plan.ordered_units(), "usage: calc WORD...\n", "usage: calc\n")[0] == "calc.c::main"


def test_crate_composition_and_signatures():
    code = rust_block(
        "text\n```rust\nuse std::fmt;\nfn add(a: i32, b: i32) -> i32 { a + b }\nstruct P { x: i32 }\n```"
    )
    assert signatures(code) == ["use std::fmt;", "fn add(a: i32, b: i32) -> i32;", "struct P { x: i32 }"]
    main_rs = compose_main([("m::add", code)])
    assert main_rs.count("use std::fmt;") == 1 and "fn main() {}" in main_rs  # no main yet: a placeholder
    assert "fn main() {}" not in compose_main([("m::main", 'fn main() { println!("hi"); }\n')])


def test_suspects_follow_the_call_graph_from_the_printing_unit():
    plan = build_c_depgraph(DATA / "loop" / "c")
    kinds = {uid: u.kind for uid, u in plan.units.items()}
    # print_row printed the wrong line; main computed the value it printed, with mix
    assert suspects(["calc.c::print_row"], plan.graph, kinds) == [
        "calc.c::print_row",
        "calc.c::main",
        "calc.c::mix",
    ]


def test_repeated_items_are_dropped_from_a_reply():
    code = (
        "/// a point\n#[derive(Clone, Copy)]\nstruct Point { x: i32 }\nfn mix(a: u32) -> u32 { a }\n"
        'fn print_row(p: Point) { println!("{}", p.x); }\n'
    )
    assert item_names(code) == {"Point", "mix", "print_row"}
    assert drop_redefinitions(code, {"Point", "mix"}) == 'fn print_row(p: Point) { println!("{}", p.x); }\n'
