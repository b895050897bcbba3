"""Localisation without a model: signals, ranking on the example repository, determinism, the MCTS trace."""

from __future__ import annotations

from repowright.agent.config import LocateConfig
from repowright.agent.issue_signals import read_signals
from repowright.agent.locate import locate
from repowright.agent.mcts import explore
from repowright.agent.relevance import LexicalScorer
from tests.examples import MINICART_ISSUE

ISSUE = MINICART_ISSUE.read_text()


def test_signals_read_frames_paths_and_identifiers():
    signals = read_signals(ISSUE)
    assert [(f.path, f.line, f.function) for f in signals.frames] == [
        ("demo.py", 5, "<module>"),
        ("minicart/cart.py", 22, "apply_coupon"),
        ("minicart/coupons.py", 12, "lookup"),
    ]
    assert "minicart/coupons.py" in signals.paths
    assert "cart.apply_coupon" in signals.dotted and "KeyError" in signals.code_identifiers
    # The source lines a traceback prints are evidence through their frames, not again as names.
    assert "COUPONS" not in signals.identifiers and "Traceback" not in signals.identifiers
    assert "customers" not in [i.lower() for i in signals.identifiers]


def test_locate_ranks_the_faulty_function_first(minicart):
    found = locate(minicart, ISSUE, LocateConfig(top=5))
    top2 = {(f.path, f.name, f.start_line, f.end_line) for f in found.functions[:2]}
    assert top2 == {
        ("minicart/coupons.py", "lookup", 10, 12),
        ("minicart/cart.py", "Cart.apply_coupon", 20, 23),
    }
    assert all("stack-trace frame" in f.reason for f in found.functions[:2])
    assert {f.path for f in found.files[:2]} == {"minicart/coupons.py", "minicart/cart.py"}
    assert all(a.score >= b.score for a, b in zip(found.files, found.files[1:], strict=False))
    data = found.to_dict()
    assert set(data) == {"files", "functions"}
    assert set(data["functions"][0]) == {"path", "name", "start_line", "end_line", "score", "reason"}


def test_without_a_trace_words_and_names_still_lead(minicart):
    found = locate(
        minicart,
        "The tax is added before the discount, so `with_tax` gets the wrong amount.",
        LocateConfig(top=3),
    )
    assert found.functions[0].name == "with_tax"
    assert found.files[0].path == "minicart/pricing.py"


def test_same_seed_same_result_and_trace(minicart):
    first = explore(minicart, ISSUE, simulations=80, seed=7)
    second = explore(minicart, ISSUE, simulations=80, seed=7)
    assert first.to_dict(trace=True) == second.to_dict(trace=True)
    assert first.trace[0]["node"] == "." and first.trace[0]["visits"] == 80
    visited = {t["node"] for t in first.trace}
    assert "minicart/coupons.py::lookup" in visited


def test_tests_are_demoted(minicart):
    scorer = LexicalScorer(minicart, "test_coupon_codes_ignore_case fails")
    assert scorer.value("tests/test_cart.py::test_coupon_codes_ignore_case") < 0.6
