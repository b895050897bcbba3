"""The text index on disk: a fresh process over an unchanged tree tokenises nothing, a changed file alone is
tokenised again, and a damaged cache file is read as missing; the scores are those of a build without cache."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest

from repowright.agent import locate_bags, locate_index
from repowright.agent.locate_index import build_text_index
from repowright.agent.locate_index_cache import INDEX_VERSION, tree_folder
from repowright.analyzers.bm25 import BM25, PackedBM25, PackedPostings, packed_state, token_bag
from repowright.analyzers.knowledge_graph import build_knowledge_graph
from tests.examples import copy_example

QUERY = ["cart", "total", "discount", "price"]


@pytest.fixture
def tree(tmp_path) -> Path:
    return copy_example("minicart", tmp_path)


def fresh_process(monkeypatch) -> list[str]:
    """Empty the in-process memos (as in a new process) and record which texts get tokenised, and (as "BM25")
    when an index is counted from documents."""
    monkeypatch.setattr(locate_bags, "_FILE_MEMO", {})
    monkeypatch.setattr(locate_bags, "_BAG_MEMO", {})
    seen: list[str] = []
    real = locate_bags.token_bag

    def counting(text: str):
        seen.append(text)
        return real(text)

    class CountingPostings(PackedPostings):
        def add(self, bag) -> None:
            if not self.lengths:
                seen.append("BM25")
            super().add(bag)

    monkeypatch.setattr(locate_bags, "token_bag", counting)
    monkeypatch.setattr(locate_index, "PackedPostings", CountingPostings)
    return seen


def scores(index) -> tuple:
    files = {name: index.file_scores(name, QUERY) for name in index.file_fields}
    defs = {name: index.def_scores(name, QUERY) for name in index.def_fields}
    return files, defs, index.defs, index.text


def test_an_unchanged_tree_loads_the_index_and_tokenises_nothing(tree, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    kg = build_knowledge_graph(tree, cache_dir=cache, workers=1)
    fresh_process(monkeypatch)
    first = build_text_index(kg, cache_dir=cache)
    assert (tree_folder(cache, tree) / f"text-index-{INDEX_VERSION}.bin").is_file()
    tokenised = fresh_process(monkeypatch)
    second = build_text_index(build_knowledge_graph(tree, cache_dir=cache, workers=1), cache_dir=cache)
    assert tokenised == []
    fresh_process(monkeypatch)
    assert scores(second) == scores(first) == scores(build_text_index(kg))


def test_after_an_edit_only_the_changed_file_is_tokenised_again(tree, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    build_text_index(build_knowledge_graph(tree, cache_dir=cache, workers=1), cache_dir=cache)
    changed = next(p for p in sorted(tree.rglob("*.py")) if "def " in p.read_text())
    changed.write_text(changed.read_text() + "\n\ndef apply_loyalty_discount(cart):\n    return cart\n")
    kg = build_knowledge_graph(tree, cache_dir=cache, workers=1)
    tokenised = fresh_process(monkeypatch)
    cached = build_text_index(kg, cache_dir=cache)
    whole_files = [t for t in tokenised if t in cached.text.values() and t]
    assert whole_files == [changed.read_text()] and "BM25" in tokenised
    assert any("apply_loyalty_discount" in n for n in cached.defs)
    fresh_process(monkeypatch)
    assert scores(cached) == scores(build_text_index(kg))


def test_a_damaged_cache_file_reads_as_missing(tree, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    kg = build_knowledge_graph(tree, cache_dir=cache, workers=1)
    expected = scores(build_text_index(kg))
    fresh_process(monkeypatch)
    build_text_index(kg, cache_dir=cache)
    for stored in tree_folder(cache, tree).glob("text-*.bin"):
        stored.write_bytes(stored.read_bytes()[:-40] + b"x" * 40)
    fresh_process(monkeypatch)
    assert scores(build_text_index(kg, cache_dir=cache)) == expected


def test_a_packed_index_scores_as_the_index_it_was_stored_from():
    docs = [["cart", "total", "cart"], ["price", "discount"], ["total", "price", "tax", "tax"], []]
    built = BM25(docs)
    packed = PackedBM25(marshal.loads(marshal.dumps(built.state())))
    for query in (["cart"], ["total", "price", "missing"], ["tax", "tax", "cart"], []):
        assert packed.scores(query) == built.scores(query)
        assert packed.top(query, 2) == built.top(query, 2)
    with pytest.raises(TypeError):
        PackedBM25({**built.state(), "postings": {"cart": [(0, 2)]}})


def test_an_index_packed_from_bags_is_the_stored_state_of_the_built_index():
    docs = [["cart", "total", "cart"], ["price", "discount"], ["total", "price", "tax", "tax"], []]
    bags = [token_bag(" ".join(d)) for d in docs]
    assert packed_state(bags) == BM25(docs).state()
    assert packed_state([]) == BM25([]).state()
    packed = PackedBM25(packed_state(bags))
    assert packed.scores(["tax", "cart", "price"]) == BM25(docs).scores(["tax", "cart", "price"])


def test_a_line_belongs_to_the_innermost_definition_around_it(minicart):
    path = "minicart/cart.py"
    nodes = sorted(n for n in minicart.graph.nodes if n.startswith(f"{path}::"))
    _, bags = locate_bags.count_bags(minicart.graph, minicart.root, path, nodes)
    code = {node: body for node, _, _, body in bags["defs"]}
    assert "coupon" in code[f"{path}::Cart"]  # its docstring
    assert "lookup" not in code[f"{path}::Cart"] and "lookup" in code[f"{path}::Cart.apply_coupon"]
    assert "lookup" in bags["code"]  # the file's own text is whole
    assert locate_bags.own_lines([(1, 10), (2, 4), (6, 9), (7, 8)]) == [
        [(1, 1), (5, 5), (10, 10)],
        [(2, 4)],
        [(6, 6), (9, 9)],
        [(7, 8)],
    ]
    wide = locate_bags.own_lines([(1, 1000), (100, 200)])[0]
    assert wide == [(1, 99), (201, 501)]  # at most MAX_BODY_LINES lines of its own
