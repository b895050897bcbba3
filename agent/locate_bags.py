"""Token bags of localisation's text index: one file's fields and definitions, and every file's, in parallel.

A bag is a plain dict (token -> count), so bags go to disk and between processes with `marshal` as they are.
A file's bags follow from its content (and path): they are memoised by content hash within a process, read
from the stored bags of the last run when there, and otherwise counted, in forked workers when many files
need it (tokenising is most of a cold locate's own time; the workers share the graph copy-on-write).
"""

from __future__ import annotations

import marshal
import multiprocessing
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path
from typing import Any

from repowright.analyzers.bm25 import token_bag
from repowright.analyzers.knowledge_graph import start_worker, worker_count

MAX_FILE_CHARS = 400_000
MAX_BODY_LINES = 400
PARALLEL_MIN = 200  # fewer files to count than this: a pool costs more than it saves
FIELDS = ("path", "names", "docs", "code")
_FILE_MEMO: dict[str, tuple[str, list[int], dict[str, int]]] = {}
_BAG_MEMO: dict[str, tuple[str, dict[str, Any]]] = {}
_MEMO_LIMIT = 60_000
Bags = dict[str, Any]  # {"path"|"names"|"docs"|"code": {token: count}, "defs": [(node, names, docs, code)]}


def read_text(root: Path | None, path: str) -> str:
    """A file's text (its first MAX_FILE_CHARS characters), or '' when it cannot be read."""
    try:
        return (root / path).read_text(errors="replace")[:MAX_FILE_CHARS] if root else ""
    except OSError:
        return ""


def _file_text(root: Path | None, path: str, digest: str) -> tuple[str, list[int], dict[str, int]]:
    """A file's text, the character offset of each line start, and its token bag, memoised by content hash."""
    key = f"{digest}:{path}" if digest else ""
    if key and key in _FILE_MEMO:
        return _FILE_MEMO[key]
    text = read_text(root, path)
    offsets = list(accumulate(map(len, text.splitlines(keepends=True)), initial=0))
    entry = (text, offsets, token_bag(text))
    if key:
        if len(_FILE_MEMO) > _MEMO_LIMIT:
            _FILE_MEMO.clear()
        _FILE_MEMO[key] = entry
    return entry


def own_lines(spans: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """For each span (first, last line, 1-based, inclusive), the line ranges it holds outside the spans nested
    in it, at most MAX_BODY_LINES lines in all: a line belongs to the innermost definition around it, so a
    class's text is its own (header, docstring, attributes) and its methods' text is theirs."""
    order = sorted(range(len(spans)), key=lambda i: (spans[i][0], -spans[i][1]))
    children: dict[int, list[int]] = {i: [] for i in range(len(spans))}
    stack: list[int] = []
    for i in order:
        while stack and spans[stack[-1]][1] < spans[i][0]:
            stack.pop()
        if stack and spans[i][1] <= spans[stack[-1]][1] and spans[i] != spans[stack[-1]]:
            children[stack[-1]].append(i)
        stack.append(i)
    out = []
    for i, (first, last) in enumerate(spans):
        ranges, at, left = [], first, MAX_BODY_LINES
        for child in children[i]:
            c_first, c_last = spans[child]
            if c_first > at and left > 0:
                take = min(c_first - at, left)
                ranges.append((at, at + take - 1))
                left -= take
            at = max(at, c_last + 1)
        if at <= last and left > 0:
            ranges.append((at, min(last, at + left - 1)))
        out.append(ranges)
    return out


def _lines_bag(text: str, offsets: list[int], ranges: list[tuple[int, int]]) -> dict[str, int]:
    """Tokens of the given line ranges (1-based, inclusive)."""
    bag: dict[str, int] = {}
    top = len(offsets) - 1
    for first, last in ranges:
        lo, hi = min(first - 1, top), min(last, top)
        if hi > lo:
            part = token_bag(text[offsets[lo] : offsets[hi]])
            if bag:
                _add(bag, part)
            else:
                bag = part
    return bag


def _add(into: dict[str, int], bag: dict[str, int]) -> None:
    """Add `bag`'s counts into `into` (Counter.update on plain dicts)."""
    get = into.get
    for token, count in bag.items():
        into[token] = get(token, 0) + count


def valid_bags(data: Any) -> bool:
    """Whether stored data has the shape of one file's bags (a sealed file of another layout would not)."""
    return (
        isinstance(data, dict)
        and all(isinstance(data.get(k), dict) for k in FIELDS)
        and isinstance(data.get("defs"), list | tuple)
        and all(isinstance(d, list | tuple) and len(d) == 4 for d in data["defs"])
    )


def count_bags(graph: Any, root: Path | None, path: str, nodes: list[str]) -> tuple[str, Bags]:
    """A file's text and the token bags of its fields and of its definitions `nodes` (in that order)."""
    text, offsets, code = _file_text(root, path, graph.nodes[path].get("hash", ""))
    names: dict[str, int] = {}
    docs = token_bag(graph.nodes[path].get("doc", ""))
    defs = []
    attrs = [graph.nodes[node] for node in nodes]
    owned = own_lines([(max(1, d["start_line"]), d["end_line"]) for d in attrs])
    for node, d, ranges in zip(nodes, attrs, owned, strict=True):
        qual, doc = token_bag(d["qualname"]), token_bag(f"{d['signature']} {d['doc']}")
        _add(names, qual)
        _add(docs, doc)
        defs.append((node, qual, doc, _lines_bag(text, offsets, ranges)))
    path_bag = token_bag(path.replace("/", " ").replace(".", " "))
    return text, {"path": path_bag, "names": names, "docs": docs, "code": code, "defs": defs}


def _remember(key: str, entry: tuple[str, Bags]) -> None:
    if key:
        if len(_BAG_MEMO) > _MEMO_LIMIT:
            _BAG_MEMO.clear()
        _BAG_MEMO[key] = entry


def memoised_bags(digest: str, path: str) -> Bags | None:
    """The bags of `path` with content `digest` counted or read in this process, or None."""
    hit = _BAG_MEMO.get(f"bags:{digest}:{path}")
    return None if hit is None else hit[1]


def known_bags(graph: Any, root: Path | None, path: str, stored: dict[str, Bags]) -> tuple[str, Bags] | None:
    """A file's text and bags without counting: from the memo, else from `stored` (bags of the last run by
    "<content hash>:<path>"); None when neither has its content."""
    digest = graph.nodes[path].get("hash", "")
    if not digest:
        return None
    hit = _BAG_MEMO.get(f"bags:{digest}:{path}")
    if hit is not None:
        return hit
    data = stored.get(f"{digest}:{path}")
    if data is None or not valid_bags(data):
        return None
    entry = (read_text(root, path), data)
    _remember(f"bags:{digest}:{path}", entry)
    return entry


def all_bags(
    graph: Any,
    root: Path | None,
    files: list[str],
    defs_of: dict[str, list[str]],
    stored: dict[str, Bags],
    workers: int | None = None,
) -> Iterator[tuple[str, Bags]]:
    """Every file's text and bags, in the order of `files`; when many are unknown they are counted by forked
    workers in order, so the caller consumes the first files while the workers count the next."""
    known = {p: hit for p in files if (hit := known_bags(graph, root, p, stored)) is not None}
    todo = [p for p in files if p not in known]
    count = worker_count(workers)
    if count > 1 and len(todo) >= PARALLEL_MIN and "fork" in multiprocessing.get_all_start_methods():
        counted = (
            (p, read_text(root, p), b) for p, b in _count_in_workers(graph, root, todo, defs_of, count)
        )
    else:
        counted = ((p, *count_bags(graph, root, p, sorted(defs_of.get(p, ())))) for p in todo)
    for path in files:
        if path in known:
            yield known[path]
            continue
        done, text, bags = next(counted)
        assert done == path, f"bags of {done} came for {path}"
        digest = graph.nodes[path].get("hash", "")
        _remember(f"bags:{digest}:{path}" if digest else "", (text, bags))
        yield text, bags


_JOB: tuple[Any, Path | None, dict[str, list[str]]] | None = None
CHUNK = 24  # files per task: small enough to keep both workers busy to the end, big enough to batch the sends


def _count_chunk(paths: list[str]) -> bytes:
    """Worker: the bags of `paths` (graph inherited by fork), marshalled: cheaper to send than pickled."""
    assert _JOB is not None
    graph, root, defs_of = _JOB
    return marshal.dumps([(p, count_bags(graph, root, p, sorted(defs_of.get(p, ())))[1]) for p in paths])


def _count_in_workers(
    graph: Any, root: Path | None, paths: list[str], defs_of: dict[str, list[str]], count: int
) -> Iterator[tuple[str, Bags]]:
    """The bags of `paths`, in order, counted by `count` forked workers a chunk at a time."""
    global _JOB
    _JOB = (graph, root, defs_of)
    try:
        with multiprocessing.get_context("fork").Pool(count, initializer=start_worker) as pool:
            chunks = [paths[i : i + CHUNK] for i in range(0, len(paths), CHUNK)]
            for blob in pool.imap(_count_chunk, chunks):
                yield from marshal.loads(blob)
            pool.close()  # every result is in: let the workers exit on their own before the pool terminates
            pool.join()
    finally:
        _JOB = None
