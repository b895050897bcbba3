"""The knowledge graph cache: unchanged trees parse nothing, one edit re-parses one file, results stay exact."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import repowright.analyzers.knowledge_graph as kgmod
from repowright.analyzers.cache import GraphCache, graph_cache_dir
from repowright.analyzers.knowledge_graph import build_knowledge_graph

DATA = Path(__file__).resolve().parents[1] / "data" / "kg"


@pytest.fixture
def repo(tmp_path):
    target = tmp_path / "repo"
    shutil.copytree(DATA / "python", target)
    return target


@pytest.fixture
def parse_log(monkeypatch):
    """Record which sources get parsed (workers=1 parses in this process)."""
    seen: list[bytes] = []
    real = kgmod.extract_facts

    def spy(src: bytes, lang: str):
        seen.append(src)
        return real(src, lang)

    monkeypatch.setattr(kgmod, "extract_facts", spy)
    return seen


def _edges(kg):
    return sorted((u, v, k) for u, v, k in kg.graph.edges(keys=True))


def _nodes(kg):
    return sorted((n, tuple(sorted((k, str(v)) for k, v in a.items()))) for n, a in kg.graph.nodes(data=True))


def _touch_later(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))


def test_second_run_parses_nothing(repo, parse_log):
    first = build_knowledge_graph(repo, workers=1)
    assert len(parse_log) == 4 and first.stats["cache_hits"] == 0
    parse_log.clear()
    second = build_knowledge_graph(repo, workers=1)
    assert parse_log == []
    assert second.stats["cache_hits"] == second.stats["files"] == 4
    assert _edges(second) == _edges(first) and _nodes(second) == _nodes(first)
    assert not (repo / ".repowright").exists() and graph_cache_dir(repo).is_dir()


def test_an_unchanged_tree_reads_no_results_and_resolves_nothing(repo, monkeypatch):
    """A warm map stats the results shards (their size and mtime are in the manifest) instead of hashing them,
    and builds no symbol tables; the graph is read from the shards only when asked for."""
    first = build_knowledge_graph(repo, workers=1)
    reads: list[str] = []
    for name in ("shard_ok", "read_shard"):
        real = getattr(GraphCache, name)

        def spy(self, shard, _real=real, _name=name):
            reads.append(_name)
            return _real(self, shard)

        monkeypatch.setattr(GraphCache, name, spy)
    monkeypatch.setattr(kgmod, "Resolver", None)  # calling it would fail
    second = build_knowledge_graph(repo, workers=1)
    assert reads == [] and second.stats["nodes"] == first.stats["nodes"]
    assert _nodes(second) == _nodes(first) and reads  # asking for the graph reads the shards


def test_body_edit_reparses_one_file_and_matches_fresh_build(repo, tmp_path, parse_log):
    build_knowledge_graph(repo, workers=1)
    parse_log.clear()
    shapes = repo / "pkg" / "shapes.py"
    shapes.write_text(shapes.read_text().replace("return x * x", "# squared\n    return x * x * 1"))
    _touch_later(shapes)
    updated = build_knowledge_graph(repo, workers=1)
    assert len(parse_log) == 1 and b"# squared" in parse_log[0]
    assert updated.stats["cache_hits"] == 3
    assert updated.node("pkg/shapes.py::square")["end_line"] == 26
    fresh = build_knowledge_graph(repo, cache_dir=tmp_path / "fresh", workers=1)
    assert _edges(updated) == _edges(fresh) and _nodes(updated) == _nodes(fresh)


def test_interface_edit_updates_edges_in_other_files(repo, tmp_path):
    build_knowledge_graph(repo, workers=1)
    base = repo / "pkg" / "base.py"
    base.write_text(base.read_text().replace("def name(self)", "def label(self)"))
    _touch_later(base)
    updated = build_knowledge_graph(repo, workers=1)
    assert ("pkg/shapes.py::Circle.describe", "pkg/base.py::Shape.name", "calls") not in _edges(updated)
    assert "self.name" in updated.node("pkg/shapes.py::Circle.describe")["unresolved_calls"]
    fresh = build_knowledge_graph(repo, cache_dir=tmp_path / "fresh", workers=1)
    assert _edges(updated) == _edges(fresh) and _nodes(updated) == _nodes(fresh)


def test_added_and_removed_files(repo):
    build_knowledge_graph(repo, workers=1)
    (repo / "extra.py").write_text(
        "from pkg.shapes import square\n\ndef cube(x):\n    return square(x) * x\n"
    )
    (repo / "main.py").unlink()
    kg = build_knowledge_graph(repo, workers=1)
    assert "main.py" not in kg.graph and ("extra.py::cube", "pkg/shapes.py::square", "calls") in _edges(kg)
    assert kg.stats["files"] == 4


def test_parallel_build_equals_serial(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(DATA, repo)
    serial = build_knowledge_graph(repo, cache_dir=tmp_path / "a", workers=1)
    parallel = build_knowledge_graph(repo, cache_dir=tmp_path / "b", workers=2)
    assert _edges(serial) == _edges(parallel) and _nodes(serial) == _nodes(parallel)


def test_damaged_cache_is_rebuilt(repo, tmp_path):
    first = build_knowledge_graph(repo, workers=1)
    cache = graph_cache_dir(repo)
    for shard in cache.glob("trees/*/results-*/*.bin"):
        shard.unlink()
    for facts in cache.glob("facts-*/*/*.bin"):
        facts.unlink()
    again = build_knowledge_graph(repo, workers=1)
    assert _edges(again) == _edges(first) and _nodes(again) == _nodes(first)


def test_cpp_header_detected_by_content_stays_cached(tmp_path, parse_log):
    repo = tmp_path / "cpp"
    shutil.copytree(DATA / "cpp", repo)
    first = build_knowledge_graph(repo, workers=1)
    assert (
        first.node("shape.h")["language"] == "cpp" and first.node("shape.h::Shape.area")["kind"] == "method"
    )
    parse_log.clear()
    second = build_knowledge_graph(repo, workers=1)
    assert parse_log == [] and second.stats["cache_hits"] == 4


def test_facts_of_replaced_contents_are_pruned(repo):
    build_knowledge_graph(repo, workers=1)
    facts = lambda: sorted(p.name for p in graph_cache_dir(repo).glob("facts-*/*/*.bin"))  # noqa: E731
    before = facts()
    shapes = repo / "pkg" / "shapes.py"
    shapes.write_text(shapes.read_text() + "\n# edited\n")
    _touch_later(shapes)
    build_knowledge_graph(repo, workers=1)
    after = facts()
    assert len(after) == len(before) == 4 and after != before


def test_a_second_worktree_reparses_only_the_files_that_differ(tmp_path, parse_log):
    main = tmp_path / "main"
    shutil.copytree(DATA / "python", main)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    for argv in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "one"]):
        subprocess.run([*git, *argv], cwd=main, check=True)
    shapes = main / "pkg" / "shapes.py"
    shapes.write_text(shapes.read_text() + "\n\ndef cube(x):\n    return x * x * x\n")
    subprocess.run([*git, "commit", "-qam", "two"], cwd=main, check=True)
    other = tmp_path / "other"
    subprocess.run([*git, "worktree", "add", "-q", str(other), "HEAD~1"], cwd=main, check=True)
    first = build_knowledge_graph(main, workers=1)
    assert len(parse_log) == 4 and "pkg/shapes.py::cube" in first.graph
    parse_log.clear()
    second = build_knowledge_graph(other, workers=1)
    assert graph_cache_dir(other) == graph_cache_dir(main)  # one repository, one cache
    assert len(parse_log) == 1 and b"def square" in parse_log[0]  # the old shapes.py only
    assert "pkg/shapes.py::cube" not in second.graph and "pkg/shapes.py::square" in second.graph
    fresh = build_knowledge_graph(other, cache_dir=tmp_path / "fresh", workers=1)
    assert _edges(second) == _edges(fresh) and _nodes(second) == _nodes(fresh)
    parse_log.clear()
    again = build_knowledge_graph(main, workers=1)  # the first checkout's cache survived the second's build
    assert parse_log == [] and again.stats["cache_hits"] == 4
