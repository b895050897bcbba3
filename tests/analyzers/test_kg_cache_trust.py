"""The graph cache is validated on read: edited or wrongly shaped entries are rebuilt, never served."""

from __future__ import annotations

import marshal
import shutil
from pathlib import Path

import pytest

from repowright.agent.config import LocateConfig
from repowright.agent.locate import locate
from repowright.analyzers.cache import graph_cache_dir
from repowright.analyzers.cache_check import seal, unseal
from repowright.analyzers.knowledge_graph import build_knowledge_graph

DATA = Path(__file__).resolve().parents[1] / "data" / "kg" / "python"
FAKE = [
    "function",
    "launch_missiles",
    "launch_missiles",
    1,
    2,
    "def launch_missiles()",
    "Launch the missiles.",
    "0" * 16,
    "",
]


@pytest.fixture
def repo(tmp_path):
    shutil.copytree(DATA, tmp_path / "repo")
    return tmp_path / "repo"


def forget_checkout(repo: Path) -> None:
    """Drop the manifest and results, so the next build looks the facts up by content again."""
    shutil.rmtree(graph_cache_dir(repo) / "trees")


def facts_files(repo: Path) -> list[Path]:
    return sorted(graph_cache_dir(repo).glob("facts-*/*/*.bin"))


def add_fake_def(path: Path, keep_seal_header: bool) -> None:
    blob = path.read_bytes()
    payload = unseal(path.name[:-4], blob)
    facts = marshal.loads(payload if payload is not None else blob)
    facts["defs"].append(FAKE)
    edited = marshal.dumps(facts)
    path.write_bytes(blob[:20] + edited if keep_seal_header else edited)


@pytest.mark.parametrize("keep_seal_header", [False, True])
def test_a_def_added_to_a_cached_facts_file_is_not_reported(repo, keep_seal_header):
    build_knowledge_graph(repo, workers=1)
    for path in facts_files(repo):
        add_fake_def(path, keep_seal_header)
    forget_checkout(repo)
    kg = build_knowledge_graph(repo, workers=1)
    assert kg.stats["cache_hits"] == 0  # every edited entry failed its check and was parsed again
    assert kg.find("launch_missiles") == []
    found = locate(kg, "launch the missiles", LocateConfig(top=5, simulations=50))
    assert all("launch_missiles" not in f.name for f in found.functions)


def test_an_edited_results_shard_is_rebuilt(repo):
    build_knowledge_graph(repo, workers=1)
    for shard in graph_cache_dir(repo).glob("trees/*/results-*/*.bin"):
        records = marshal.loads(unseal(f"shard:{int(shard.stem, 16)}", shard.read_bytes()))
        for record in records.values():
            record["nodes"].append([record["path"] + "::launch_missiles", {"kind": "function", "name": "x"}])
        shard.write_bytes(shard.read_bytes()[:20] + marshal.dumps(records))
    kg = build_knowledge_graph(repo, workers=1)
    assert not [n for n in kg.graph if "launch_missiles" in n]


@pytest.mark.parametrize(
    "content",
    [
        marshal.dumps({"nodefs": True}),  # the shape of another version's cache
        seal("x", marshal.dumps({"defs": "nope"})),  # a seal for another key
        b"garbage",
        b"",
    ],
)
def test_wrongly_shaped_cache_files_do_not_break_map(repo, content):
    first = build_knowledge_graph(repo, workers=1)
    cache = graph_cache_dir(repo)
    for path in [
        *cache.glob("facts-*/*/*.bin"),
        *cache.glob("trees/*/*.bin"),
        *cache.glob("trees/*/*/*.bin"),
    ]:
        path.write_bytes(content)
    again = build_knowledge_graph(repo, workers=1)
    assert sorted(again.graph.nodes) == sorted(first.graph.nodes)
    assert build_knowledge_graph(repo, workers=1).stats["cache_hits"] == first.stats["files"]  # repaired


def test_a_sealed_entry_of_the_wrong_shape_is_parsed_again(repo):
    first = build_knowledge_graph(repo, workers=1)
    for path in facts_files(repo):
        path.write_bytes(seal(path.name[:-4], marshal.dumps({"lang": "python", "doc": ""})))  # no defs
    forget_checkout(repo)
    again = build_knowledge_graph(repo, workers=1)
    assert sorted(again.graph.nodes) == sorted(first.graph.nodes)
