"""Localisation features on the example repository: each kind of evidence reaches the node it names."""

from __future__ import annotations

import json

import pytest

from repowright.agent.issue_signals import read_signals
from repowright.agent.learned_rank import LinearModel, WeightsError, load_weights
from repowright.agent.locate_features import (
    DEF_FEATURES,
    FILE_FEATURES,
    FeatureBuilder,
    files_matching,
    path_words,
    word_pieces,
)
from repowright.agent.locate_index import build_text_index, fast_tokenize
from repowright.agent.rank_locations import rank_locations
from repowright.analyzers.bm25 import tokenize
from tests.examples import MINICART_ISSUE


def features(kg, issue: str) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    builder = FeatureBuilder(kg, build_text_index(kg), issue)
    files = {p: dict(zip(FILE_FEATURES, r, strict=True)) for p, r in builder.file_rows().items()}
    defs = builder.def_rows([n for n in builder.index.defs], {})
    return files, {n: dict(zip(DEF_FEATURES, r, strict=True)) for n, r in defs.items()}


def test_fast_tokenize_matches_the_bm25_tokenizer():
    text = "class HTTPClient: def get_URL(self, fooBar_baz): return parse_v2(x)  # see README"
    assert fast_tokenize(text) == tokenize(text)


def test_site_packages_frames_map_to_repository_files(minicart):
    issue = 'File "/usr/lib/python3.11/site-packages/minicart/coupons.py", line 12, in lookup\nKeyError: x'
    files, defs = features(minicart, issue)
    assert files["minicart/coupons.py"]["frame"] > 0 and files["minicart/cart.py"]["frame"] == 0
    assert defs["minicart/coupons.py::lookup"]["frame"] > 0
    assert files_matching("/venv/site-packages/minicart/cart.py", sorted(files)) == ["minicart/cart.py"]


def test_quoted_strings_and_error_messages_are_found_verbatim(minicart):
    assert read_signals("It raises ValueError: unknown coupon 'x' here").literals == ["unknown coupon"]
    files, defs = features(minicart, 'The code "HALFOFF" gives the wrong discount.')
    assert files["minicart/coupons.py"]["literal"] == 1.0 and files["minicart/pricing.py"]["literal"] == 0
    assert defs["minicart/coupons.py::lookup"]["literal"] == 0  # the string sits at module level


def test_a_named_test_points_at_the_code_it_uses(minicart):
    files, _ = features(minicart, "tests/test_cart.py fails on the second run")
    assert files["minicart/cart.py"]["test_link"] == 1.0
    assert files["minicart/pricing.py"]["test_link"] == 0


def test_identifiers_and_dotted_names_reach_definitions(minicart):
    files, defs = features(minicart, "`Cart.apply_coupon` and `with_tax` misbehave")
    assert defs["minicart/cart.py::Cart.apply_coupon"]["dotted"] == 1.0
    assert defs["minicart/pricing.py::with_tax"]["name_code"] > 0
    assert files["minicart/pricing.py"]["ident_code_def"] > 0


def test_test_modules_are_evidence_not_candidates(minicart):
    files, defs = features(
        minicart, "test_coupon_codes_ignore_case fails: Cart.apply_coupon is case sensitive"
    )
    assert sorted(files) == [
        "minicart/__init__.py",
        "minicart/cart.py",
        "minicart/coupons.py",
        "minicart/pricing.py",
    ]
    assert not [n for n in defs if n.startswith("tests/")]
    assert files["minicart/cart.py"]["test_link"] == 1.0  # the named test calls Cart.add, apply_coupon, total
    assert defs["minicart/cart.py::Cart.apply_coupon"]["test_link"] == 1.0
    assert files["minicart/pricing.py"]["test_link"] == 0


def test_ranking_puts_the_traceback_code_first(minicart):
    ranking = rank_locations(minicart, MINICART_ISSUE.read_text())
    assert set(ranking.ordered_files()[:2]) == {"minicart/coupons.py", "minicart/cart.py"}
    assert "minicart/coupons.py::lookup" in ranking.ordered_defs()[:2]


def test_linear_model_ignores_unknown_weights_and_orders_by_its_names():
    model = LinearModel.for_features(("a", "b"), {"b": 2.0, "zzz": 9.0}, bias=1.0)
    assert model.score([5.0, 1.5]) == 4.0


def test_a_broken_weights_file_is_one_clear_error(tmp_path):
    bad = tmp_path / "w.json"
    bad.write_text(json.dumps({"files": {"weights": {}}}))
    with pytest.raises(WeightsError, match="retrain them"):
        load_weights(bad)


def test_path_words_share_the_issue_words_of_path_stem_and_folders():
    pieces = word_pieces("AsyncClient in httpx drops the timeout")
    assert {"async", "client", "httpx", "timeout"} <= pieces
    assert path_words("httpx/_client.py", pieces) == [1.0, 1.0, 1.0, 0.2]
    assert path_words("httpx/_urls.py", pieces) == [0.5, 0.0, 1.0, 0.2]
    assert path_words("docs/conf.py", pieces) == [0.0, 0.0, 0.0, 0.2]
