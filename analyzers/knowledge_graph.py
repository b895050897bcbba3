"""Build the repository knowledge graph: discover files, parse changed ones in parallel, resolve, cache.

`build_knowledge_graph(root)` is the entry point. A second run over an unchanged tree reads only the manifest
(file sizes and mtimes match); after edits only the edited files are re-parsed, and when an edit leaves a file's
interface (its definitions, imports and bases) unchanged only that file is re-resolved.
"""

from __future__ import annotations

import gc
import marshal
import os
import re
import signal
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .cache import GraphCache, content_hash, graph_cache_dir
from .discover import DEFAULT_SIZE_CAP, Entry, discover, is_generated_text
from .graph import KnowledgeGraph, file_record, summarize, without_gc
from .parse import extract_facts
from .resolve import Resolver

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def interface_digest(facts: dict[str, Any]) -> str:
    """What other files' resolution can depend on: definitions (names, kinds), imports and bases."""
    parts = [
        repr([(d[0], d[1]) for d in facts["defs"]]),
        repr([i[2:] for i in facts["imports"]]),
        repr(facts["bases"]),
    ]
    return content_hash("\x00".join(parts).encode())


_CPP_HEADER = re.compile(rb"^\s*(class\s+\w+[^;]*?[:{]|namespace\s+\w+\s*\{|template\s*<)", re.M)


def header_language(lang: str | None, path: str, data: bytes) -> str | None:
    """A `.h` file that declares C++ classes, namespaces or templates is C++, not C."""
    if lang == "c" and path.endswith(".h") and _CPP_HEADER.search(data[:65536]):
        return "cpp"
    return lang


def same_language(recorded: str | None, discovered: str | None, path: str) -> bool:
    return recorded == discovered or (discovered == "c" and recorded == "cpp" and path.endswith(".h"))


Parsed = tuple[str, str, str, str, int, bool, "str | None", bytes]


def _read_and_parse(job: tuple[str, str, str | None, str]) -> Parsed:
    """Worker: hash a file, classify it, and parse it unless its facts are cached. Returns (path, status, hash,
    interface digest, lines, parsed, language, facts): status is ok, binary, generated or unreadable; facts are
    marshal bytes (cheap to send; the parent loads them once instead of every resolving worker reading the
    cache). A `.h` file's language may change from C to C++ here, after looking at its content."""
    root, path, lang, facts_dir = job
    try:
        data = Path(root, path).read_bytes()
    except OSError:
        return path, "unreadable", "", "", 0, False, lang, b""
    digest = content_hash(data)
    if b"\x00" in data[:8192]:
        return path, "binary", digest, "", 0, False, lang, b""
    if is_generated_text(data[:2048]):
        return path, "generated", digest, "", 0, False, lang, b""
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    iface = ""
    parsed = False
    blob = b""
    lang = header_language(lang, path, data)
    if lang is not None:
        cache = GraphCache(Path(facts_dir))
        facts, blob = cache.read_facts_blob(f"{digest}.{lang}")
        if facts is None:
            facts = extract_facts(data, lang)
            blob = cache.write_facts(f"{digest}.{lang}", facts)
            parsed = True
        iface = interface_digest(facts)
    return path, "ok", digest, iface, lines, parsed, lang, blob


class _FactsLoader(dict):
    """Facts by path, loaded on first use (so a one-file update touches few files): from the bytes the parsing
    workers sent back, else from the cache. Resolving workers load what they need from the bytes they inherit,
    rather than the parent loading everything for them to copy."""

    def __init__(
        self, cache: GraphCache, root: Path, files: dict[str, list[Any]], blobs: dict[str, bytes]
    ) -> None:
        super().__init__()
        self.cache, self.root, self.files, self.blobs = cache, root, files, blobs

    def __missing__(self, path: str) -> dict[str, Any]:
        blob = self.blobs.get(path)
        if blob is not None:
            facts = self[path] = marshal.loads(blob)
            return facts
        rec = self.files[path]
        key = f"{rec[2]}.{rec[3]}"  # facts depend on the content and the language it is parsed as
        facts = self.cache.read_facts(key)
        if facts is None:  # a pruned or damaged cache: parse again
            facts = extract_facts(Path(self.root, path).read_bytes(), rec[3])
            self.cache.write_facts(key, facts)
        self[path] = facts
        return facts


def build_knowledge_graph(
    root: Path,
    *,
    cache_dir: Path | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    size_cap: int = DEFAULT_SIZE_CAP,
) -> KnowledgeGraph:
    """Map the repository at `root` into a KnowledgeGraph, reusing `cache_dir` (default `graph_cache_dir(root)`)."""
    with without_gc():
        return _build(root, cache_dir, workers, progress, size_cap)


def _build(
    root: Path, cache_dir: Path | None, workers: int | None, progress: Progress | None, size_cap: int
) -> KnowledgeGraph:
    started = time.perf_counter()
    root = Path(root).resolve()
    if not root.is_dir():
        raise NotADirectoryError(f"{root} is not a directory")
    cache = GraphCache(Path(cache_dir) if cache_dir else graph_cache_dir(root), root)
    found = discover(root, size_cap)
    old = cache.load_manifest() or {"files": {}, "skipped_files": {}}
    old_files: dict[str, list[Any]] = old["files"]
    old_skipped: dict[str, list[Any]] = old["skipped_files"]
    skipped = Counter(found.skipped)
    files: dict[str, list[Any]] = {}  # path -> [size, mtime_ns, hash, lang, interface digest, lines, counts]
    skipped_files: dict[str, list[Any]] = {}
    todo: list[Entry] = []
    for entry in found.entries:
        prev = old_files.get(entry.path)
        gone = old_skipped.get(entry.path)
        if (
            prev
            and prev[0] == entry.size
            and prev[1] == entry.mtime_ns
            and same_language(prev[3], entry.language, entry.path)
        ):
            files[entry.path] = prev
        elif gone and gone[0] == entry.size and gone[1] == entry.mtime_ns:
            skipped_files[entry.path] = gone
            skipped[gone[2]] += 1
        else:
            todo.append(entry)
    loaded: dict[str, bytes] = {}  # facts of the files just read (marshal bytes), by path
    reused = _process(root, cache, todo, files, skipped_files, skipped, workers, progress, loaded)
    changed = [e.path for e in todo if e.path in files]
    hits = len(files) - len(changed) + reused
    # A cache written by another version, or with shards missing or edited, is rebuilt from the facts.
    shards = {cache.shard_of(p) for p in files}
    old_stamps = shard_stamps(old)
    shards_ok = cache.shards_intact(shards, old_stamps)
    structure_same = (
        shards_ok and set(files) == set(old_files) and all(old_files[p][4] == files[p][4] for p in changed)
    )
    to_resolve = changed if structure_same else sorted(files)
    if to_resolve:  # a warm run over an unchanged tree resolves nothing: no symbol tables to build
        _resolve_changed(root, cache, files, loaded, to_resolve, not structure_same, workers, progress)
    stats = summarize(root, files, skipped, hits)
    stats["seconds"] = round(time.perf_counter() - started, 3)
    stamps = {s: stamp for s in sorted(shards) if (stamp := cache.shard_stamp(s)) is not None}
    if (
        todo
        or not structure_same
        or set(files) != set(old_files)
        or set(skipped_files) != set(old_skipped)
        or stamps != old_stamps
    ):
        manifest = {"files": files, "skipped_files": skipped_files, "root": str(root), "shards": stamps}
        cache.save_manifest(manifest)
    if todo and old_files:  # contents were replaced: drop their facts so the cache does not grow without end
        cache.prune_facts(facts_keys(old_files) - facts_keys(files))
    return KnowledgeGraph.lazy(root, cache, sorted(files), stats)


def _resolve_changed(
    root: Path,
    cache: GraphCache,
    files: dict[str, list[Any]],
    loaded: dict[str, bytes],
    to_resolve: list[str],
    full: bool,
    workers: int | None,
    progress: Progress | None,
) -> None:
    """Resolve `to_resolve` against every file's facts, write their shards, and record their counts."""
    lang_of = {p: rec[3] for p, rec in files.items() if rec[3]}
    loader = _FactsLoader(cache, root, files, loaded)
    resolver = Resolver(loader, sorted(files), lang_of)
    try:
        for path, counts in _resolve_all(resolver, files, loader, cache, to_resolve, full, workers, progress):
            files[path][6:] = [counts]
    finally:
        resolver.close()


def shard_stamps(manifest: dict[str, Any]) -> dict[int, list[int]]:
    """The (size, mtime) of each results shard as the manifest recorded them; {} when absent or malformed."""
    stamps = manifest.get("shards")
    if not isinstance(stamps, dict):
        return {}
    return {
        s: v
        for s, v in stamps.items()
        if isinstance(s, int) and isinstance(v, list) and len(v) == 2 and all(type(x) is int for x in v)
    }


def facts_keys(files: dict[str, list[Any]]) -> set[str]:
    """The facts cache keys (content hash and language) of a manifest's parsed files."""
    return {f"{rec[2]}.{rec[3]}" for rec in files.values() if rec[3]}


def worker_count(workers: int | None) -> int:
    """Processes to use: all cores by default; one inside a daemon process, which may not have children."""
    import multiprocessing  # here and below, not at the top: a warm map over an unchanged tree starts no process

    if multiprocessing.current_process().daemon:
        return 1
    return max(1, workers or os.cpu_count() or 1)


def start_worker() -> None:
    """Initializer of every worker pool: no cycle collection (the inherited heap is large and short-lived) and
    the default SIGTERM. A forked worker inherits its parent's handlers, and the CLI's (which raises SystemExit)
    once left a worker idling on the pool's queue while the parent waited for it to exit."""
    gc.disable()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


_STATE: tuple[Resolver, dict, dict, GraphCache] | None = None


def _resolve_shard(job: tuple[int, list[str], bool]) -> list[tuple[str, dict[str, Any]]]:
    """Resolve `paths` of one cache shard with the module-global resolver (inherited by fork) and write the
    shard: rebuilt from scratch when `full`, else updated in place (no file was added or removed then)."""
    assert _STATE is not None
    shard, paths, full = job
    resolver, files, loader, cache = _STATE
    records = {} if full else cache.read_shard(shard)
    out = []
    for path in paths:
        rec = files[path]
        record = file_record(
            path, rec, loader[path] if rec[3] else None, resolver.resolve_file(path) if rec[3] else ([], {})
        )
        records[path] = record
        out.append((path, record["counts"]))
    cache.write_shard(shard, records)
    return out


def _resolve_all(
    resolver: Resolver,
    files: dict,
    loader: dict,
    cache: GraphCache,
    paths: list[str],
    full: bool,
    workers: int | None,
    progress: Progress | None,
):
    """Resolve files shard by shard, in forked workers that share the symbol tables copy-on-write (serially
    when there are few)."""
    import multiprocessing

    global _STATE
    _STATE = (resolver, files, loader, cache)
    by_shard: dict[int, list[str]] = {}
    for path in paths:
        by_shard.setdefault(cache.shard_of(path), []).append(path)
    jobs = [(shard, members, full) for shard, members in sorted(by_shard.items())]
    count = worker_count(workers)

    try:
        if count == 1 or len(paths) < 200 or "fork" not in multiprocessing.get_all_start_methods():
            for job in jobs:
                yield from _resolve_shard(job)
            return
        with multiprocessing.get_context("fork").Pool(count, initializer=start_worker) as pool:
            for done, part in enumerate(pool.imap_unordered(_resolve_shard, jobs), 1):
                yield from part
                if progress:
                    progress("resolve", done, len(jobs))
            pool.close()  # every result is in: let the workers exit on their own before the pool terminates
            pool.join()
    finally:
        _STATE = None


def _process(
    root: Path,
    cache: GraphCache,
    todo: list[Entry],
    files: dict,
    skipped_files: dict,
    skipped: Counter,
    workers: int | None,
    progress: Progress | None,
    loaded: dict,
) -> int:
    """Read, hash and (if needed) parse `todo` in parallel; fill `files`/`skipped` and `loaded` (facts by
    path, as marshal bytes); return how many files reused cached facts."""
    if not todo:
        return 0
    jobs = [(str(root), e.path, e.language, str(cache.directory)) for e in todo]
    by_path = {e.path: e for e in todo}
    count = worker_count(workers)
    # Big files first so the pool's tail is short; small chunks keep both cores busy.
    jobs.sort(key=lambda j: -by_path[j[1]].size)
    if count > 1 and len(jobs) > 8:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=count, initializer=start_worker) as pool:
            results = pool.map(_read_and_parse, jobs, chunksize=max(1, min(16, len(jobs) // (count * 8))))
            return _collect(results, by_path, files, skipped_files, skipped, progress, len(jobs), loaded)
    else:
        return _collect(
            map(_read_and_parse, jobs), by_path, files, skipped_files, skipped, progress, len(jobs), loaded
        )


def _collect(
    results,
    by_path: dict[str, Entry],
    files: dict,
    skipped_files: dict,
    skipped: Counter,
    progress: Progress | None,
    total: int,
    loaded: dict,
) -> int:
    reused = 0
    for done, (path, status, digest, iface, lines, was_parsed, lang, blob) in enumerate(results, 1):
        entry = by_path[path]
        if status != "ok":
            skipped[status] += 1
            skipped_files[path] = [entry.size, entry.mtime_ns, status]
        else:
            files[path] = [entry.size, entry.mtime_ns, digest, lang, iface, lines]
            if blob:
                loaded[path] = blob
            reused += lang is not None and not was_parsed
        if progress and (done % 50 == 0 or done == total):
            progress("parse", done, total)
    return reused
