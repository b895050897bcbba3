"""Okapi BM25 over token lists, and a tokenizer that splits identifiers (snake_case, CamelCase, paths)."""

from __future__ import annotations

import heapq
import math
import re
from array import array
from collections import Counter, defaultdict
from typing import Any

_WORD = re.compile(r"[A-Za-z][a-z]+|[A-Z]+(?![a-z])|\d+")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
STOPWORDS = frozenset(
    "the a an and or of to in is it be for on with as by this that not are was if at from "
    "but when should can self none true false def return".split()
)


_SPLIT: dict[str, tuple[str, ...]] = {}
_SPLIT_LIMIT = 500_000


def ident_tokens(ident: str) -> tuple[str, ...]:
    """Lower-case pieces of one identifier (and the whole identifier when it has several), memoised: the same
    names recur across a repository, and splitting them is most of the cost of tokenising code."""
    hit = _SPLIT.get(ident)
    if hit is None:
        pieces = [p.lower() for p in _WORD.findall(ident)]
        out = [p for p in pieces if p not in STOPWORDS and len(p) > 1]
        if len(pieces) > 1:
            out.append(ident.lower())
        if len(_SPLIT) > _SPLIT_LIMIT:
            _SPLIT.clear()
        hit = _SPLIT[ident] = tuple(out)
    return hit


def token_bag(text: str) -> dict[str, int]:
    """The tokens of `text` counted (as Counter(tokenize(text)), as a plain dict), splitting each distinct
    identifier once; plain dicts, because Counter's item update runs in Python and this is the hot loop of
    indexing a repository."""
    out: dict[str, int] = {}
    get = out.get
    split = _SPLIT.get
    for ident, count in Counter(_IDENT.findall(text)).items():
        tokens = split(ident)
        for token in ident_tokens(ident) if tokens is None else tokens:
            out[token] = get(token, 0) + count
    return out


def tokenize(text: str) -> list[str]:
    """Lower-case word pieces of every identifier in `text`, plus whole identifiers that contain pieces."""
    out: list[str] = []
    for ident in _IDENT.findall(text):
        out.extend(ident_tokens(ident))
    return out


class BM25:
    """Score documents (token lists) against a query; k1 and b are the usual defaults."""

    def __init__(
        self,
        docs: list[list[str]] | list[Counter[str]] | list[dict[str, int]],
        k1: float = 1.2,
        b: float = 0.75,
    ) -> None:
        """`docs` are token lists, or bags (token -> count) when the caller has counted already."""
        self.k1, self.b = k1, b
        bags = [d if isinstance(d, dict) else Counter(d) for d in docs]
        self.lengths = [sum(d.values()) if isinstance(d, dict) else len(d) for d in docs]
        self.avg = (sum(self.lengths) / len(docs)) if docs else 1.0
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for index, bag in enumerate(bags):
            for term, count in bag.items():
                self.postings[term].append((index, count))
        n = len(docs)
        self.idf = {t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self.postings.items()}

    def scores(self, query: list[str]) -> dict[int, float]:
        out: dict[int, float] = defaultdict(float)
        for term, qcount in Counter(query).items():
            idf = self.idf.get(term)
            if idf is None:
                continue
            for index, count in self.postings[term]:
                norm = count + self.k1 * (1 - self.b + self.b * self.lengths[index] / self.avg)
                out[index] += qcount * idf * count * (self.k1 + 1) / norm
        return out

    def state(self) -> dict[str, Any]:
        """Everything scoring needs as plain data (marshal-able) for an on-disk cache: each term's postings packed
        as int32 (document, count) pairs, so reading it back decodes only the terms a query uses."""
        postings = {
            t: array("i", [x for pair in p for x in pair]).tobytes() for t, p in self.postings.items()
        }
        return {"k1": self.k1, "b": self.b, "lengths": self.lengths, "avg": self.avg, "postings": postings}

    def top(self, query: list[str], k: int) -> list[tuple[int, float]]:
        """The k best (index, score) pairs, best first, ties by index (deterministic)."""
        scores = self.scores(query)
        return heapq.nsmallest(k, ((i, s) for i, s in scores.items()), key=lambda x: (-x[1], x[0]))


class PackedPostings:
    """Builds `BM25(bags).state()` one bag (token -> count) at a time, without building the index first: the
    cold path of a stored index (then scored as a `PackedBM25`), fed while the bags are still being counted."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.lengths: list[int] = []
        self.postings: dict[str, array[int]] = {}

    def add(self, bag: dict[str, int]) -> None:
        """Append the next document's bag."""
        index = len(self.lengths)
        self.lengths.append(sum(bag.values()))
        postings = self.postings
        get = postings.get
        for term, count in bag.items():
            flat = get(term)
            if flat is None:
                flat = postings[term] = array("i")
            flat.append(index)
            flat.append(count)

    def state(self) -> dict[str, Any]:
        n = len(self.lengths)
        return {
            "k1": self.k1,
            "b": self.b,
            "lengths": self.lengths,
            "avg": (sum(self.lengths) / n) if n else 1.0,
            "postings": {t: flat.tobytes() for t, flat in self.postings.items()},
        }


def packed_state(bags: list[dict[str, int]], k1: float = 1.2, b: float = 0.75) -> dict[str, Any]:
    """`BM25(bags).state()` counted straight from bags (see PackedPostings)."""
    builder = PackedPostings(k1, b)
    for bag in bags:
        builder.add(bag)
    return builder.state()


class PackedBM25(BM25):
    """A BM25 index read back from `BM25.state()`: the same scores, with each term's postings decoded (and its
    idf computed) only when a query asks for the term."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.k1, self.b = float(state["k1"]), float(state["b"])
        self.lengths, self.avg = list(state["lengths"]), float(state["avg"])
        self.packed: dict[str, bytes] = state["postings"]
        if not all(isinstance(blob, bytes) for blob in self.packed.values()):
            raise TypeError("postings are not packed bytes")
        self.postings = defaultdict(list)
        self.idf = {}

    def scores(self, query: list[str]) -> dict[int, float]:
        n = len(self.lengths)
        for term in set(query) - self.idf.keys():
            blob = self.packed.get(term)
            if blob is not None:
                flat = array("i")
                flat.frombytes(blob)
                self.postings[term] = list(zip(flat[0::2], flat[1::2], strict=True))
                df = len(self.postings[term])
                self.idf[term] = math.log(1 + (n - df + 0.5) / (df + 0.5))
        return super().scores(query)
