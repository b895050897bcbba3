"""The localisation benchmark's gold extraction and scoring, on a real patch over the example repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

from repowright.evals.bench_locate import export, gold_functions, hits, lite_rule, patch_lines
from tests.examples import minicart_graph

PATCH = "\n".join(
    [
        "diff --git a/minicart/coupons.py b/minicart/coupons.py",
        "--- a/minicart/coupons.py",
        "+++ b/minicart/coupons.py",
        "@@ -10,6 +10,6 @@ COUPONS = {",
        " def lookup(code):",
        '     """The percentage a coupon code takes off."""',
        "-    return COUPONS[code]",
        "+    return COUPONS[code.upper()]",
        " ",
        " ",
        " def is_valid(code):",
        "diff --git a/minicart/cart.py b/minicart/cart.py",
        "--- a/minicart/cart.py",
        "+++ b/minicart/cart.py",
        "@@ -1,5 +1,6 @@",
        ' """The cart: what is in it and what it costs."""',
        " ",
        "+import logging",
        " from .coupons import lookup",
        " from .pricing import discounted, with_tax",
        " ",
        "",
    ]
)


def test_patch_lines_and_gold_functions(tmp_path):
    lines = patch_lines(PATCH)
    assert lines == {"minicart/coupons.py": {12}, "minicart/cart.py": {2}}
    kg = minicart_graph(tmp_path)
    assert gold_functions(kg, lines) == {("minicart/coupons.py", "lookup")}  # the import is outside functions


def test_hits_need_every_gold_location():
    ranked = ["a.py", "b.py", "c.py"]
    assert hits(ranked, {"a.py"}, ks=(1, 3)) == {1: True, 3: True}
    assert hits(ranked, {"a.py", "c.py"}, ks=(1, 3)) == {1: False, 3: True}
    assert hits(ranked, set(), ks=(1,)) == {1: False}


def test_export_writes_the_tree_at_a_commit(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "a.py").write_text("x = 1\n")
    (repo / "sub").mkdir()
    (repo / "sub" / "b.py").write_text("def f():\n    pass\n")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    first = subprocess.run(
        [*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    (repo / "a.py").write_text("x = 2\n")
    subprocess.run([*git, "commit", "-qam", "two"], check=True)
    out = tmp_path / "out"
    assert export(repo, first, out) == 0
    assert (out / "a.py").read_text() == "x = 1\n" and (
        out / "sub" / "b.py"
    ).read_text() == "def f():\n    pass\n"


def test_patch_lines_reads_dashed_content_lines_as_content():
    patch = (Path(__file__).resolve().parents[1] / "data" / "dash_lines.diff").read_text()
    assert patch_lines(patch) == {"code.py": {2}, "notes.md": {2}}


def test_module_level_edits_are_told_apart(tmp_path):
    from repowright.evals.bench_locate import edits_outside_functions

    kg = minicart_graph(tmp_path)
    assert edits_outside_functions(kg, {"minicart/cart.py": {2}})  # the import block
    assert not edits_outside_functions(kg, {"minicart/coupons.py": {12}})  # inside lookup


def test_lite_rule_takes_one_file_fixes_of_at_most_three_hunks():
    assert lite_rule({"patch": PATCH}) is False  # two files
    one_file = PATCH.split("diff --git a/minicart/cart.py")[0]
    assert lite_rule({"patch": one_file}) is True
    assert lite_rule({"gold_files": ["a.py"], "gold_hunks": 3}) is True
    assert lite_rule({"gold_files": ["a.py"], "gold_hunks": 4}) is False
    assert lite_rule({"gold_files": ["a.py", "b.py"], "gold_hunks": 2}) is False
    assert lite_rule({"gold_files": ["a.py"]}) is None
