"""Every way to the same ranking gives the same ranking: a cold locate (empty cache, bags counted by forked
workers, graph parsed by a pool), a warm one in a fresh process (index read from disk), one without a cache
counted serially, and one after a second checkout of the same tree shares the cache."""

from __future__ import annotations

import dataclasses
import multiprocessing
import shutil
import signal
from pathlib import Path

import jinja2
import pytest

from repowright.agent import locate_bags
from repowright.agent.config import LocateConfig
from repowright.agent.locate import locate
from repowright.analyzers.knowledge_graph import build_knowledge_graph, start_worker

ISSUES = [
    "TemplateSyntaxError: unexpected end of template when a for loop in Environment.from_string has an else "
    "block; the parser's subparse stops at the wrong token",
    "FileSystemLoader.get_source ignores the encoding argument, and the bytecode cache keeps stale templates",
]


@pytest.fixture
def repo(tmp_path) -> Path:
    """A real package (jinja2's source, 25 modules) as the repository under test."""
    root = tmp_path / "repo"
    shutil.copytree(
        Path(jinja2.__file__).parent, root / "jinja2", ignore=shutil.ignore_patterns("__pycache__")
    )
    return root


def ranked(root: Path, cache: Path | None, workers: int, issue: str) -> dict:
    """Ranked files and functions, as a fresh process would compute them (in-process memos emptied)."""
    locate_bags._FILE_MEMO.clear()
    locate_bags._BAG_MEMO.clear()
    kg = build_knowledge_graph(root, cache_dir=cache or root.parent / "graph-only", workers=workers)
    return dataclasses.asdict(locate(kg, issue, LocateConfig(top=40), cache_dir=cache))


def test_cold_warm_serial_and_parallel_rank_alike(repo, tmp_path, monkeypatch):
    pools: list[int] = []
    real_pool = locate_bags._count_in_workers

    def recording(graph, root, paths, defs_of, count):
        pools.append(len(paths))
        return real_pool(graph, root, paths, defs_of, count)

    monkeypatch.setattr(locate_bags, "_count_in_workers", recording)
    for issue in ISSUES:
        monkeypatch.setattr(locate_bags, "PARALLEL_MIN", 10**9)
        serial = ranked(repo, None, 1, issue)
        assert pools == []
        monkeypatch.setattr(locate_bags, "PARALLEL_MIN", 1)
        monkeypatch.setattr(locate_bags, "worker_count", lambda workers: 2)
        cache = tmp_path / f"cache-{ISSUES.index(issue)}"
        cold = ranked(repo, cache, 2, issue)
        assert pools == [25]  # every module counted by the workers
        warm = ranked(repo, cache, 2, issue)
        assert pools == [25]  # the index came from disk
        assert serial["files"] and serial["functions"]
        assert cold == warm == serial
        pools.clear()


def test_a_second_checkout_reuses_parsed_facts_and_ranks_alike(repo, tmp_path):
    cache = tmp_path / "cache"
    first = ranked(repo, cache, 1, ISSUES[0])
    other = tmp_path / "other" / "repo"
    shutil.copytree(repo, other)
    kg = build_knowledge_graph(other, cache_dir=cache, workers=1)
    assert kg.stats["cache_hits"] == len(list(other.rglob("*.py"))) == 25  # no module parsed again
    assert ranked(other, cache, 1, ISSUES[0]) == first


def _exit_on_term(signum, frame) -> None:
    raise SystemExit(128 + signum)  # as the CLI's handler does


def test_pool_workers_take_the_default_sigterm_whatever_the_parent_handles():
    """A worker that inherited the CLI's SIGTERM handler once stayed idle on the pool's queue while the pool,
    terminating, waited for it to exit: workers start with the default handler, so terminating kills them."""
    previous = signal.signal(signal.SIGTERM, _exit_on_term)
    try:
        with multiprocessing.get_context("fork").Pool(1, initializer=start_worker) as pool:
            assert pool.apply(signal.getsignal, (signal.SIGTERM,)) == signal.SIG_DFL
    finally:
        signal.signal(signal.SIGTERM, previous)
