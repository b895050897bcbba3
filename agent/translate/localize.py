"""Find the unit behind a divergence, without a model: match the first differing expected output line
against the printf-family format strings of the C units (an output trace read backwards).

The unit whose format produced the line is where the output went wrong; when no format matches, the
units that write output (closest to `main` last) are the candidates.
"""

from __future__ import annotations

import re

import networkx as nx

from repowright.analyzers.c_units import CUnit

_STRING = re.compile(r'"((?:\\.|[^"\\])*)"')
_CONVERSION = re.compile(r"%([-+ #0]*)(\d+|\*)?(?:\.(\d+|\*))?(hh|h|ll|l|L|z|j|t)?([diouxXeEfFgGcsp%])")
_OUTPUT_CALLS = re.compile(r"\b(printf|fprintf|puts|fputs|putchar|fputc|fwrite|vprintf|vfprintf|write)\s*\(")
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'", "r": "\r", "0": "\0"}


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


def format_regex(fmt: str) -> re.Pattern[str]:
    """A regex for what a printf format can print (each conversion matches loosely)."""
    out, pos = [], 0
    for match in _CONVERSION.finditer(fmt):
        out.append(re.escape(fmt[pos : match.start()]))
        conv = match.group(5)
        out.append("%" if conv == "%" else r".{1}" if conv == "c" else r".*?")
        pos = match.end()
    out.append(re.escape(fmt[pos:]))
    return re.compile("".join(out))


def first_difference(expected: str, actual: str) -> str:
    """The first line of the expected output that the actual output gets wrong."""
    exp_lines, act_lines = expected.splitlines(keepends=True), actual.splitlines(keepends=True)
    for i, line in enumerate(exp_lines):
        if i >= len(act_lines) or act_lines[i] != line:
            return line
    return exp_lines[-1] if exp_lines else ""


def localize(units: list[CUnit], expected: str, actual: str) -> list[str]:
    """Unit ids ranked by how likely they wrote the first wrong line (best first)."""
    line = first_difference(expected, actual).rstrip("\n")
    scored: list[tuple[int, str]] = []
    for unit in units:
        if unit.kind != "function":
            continue
        writes = bool(_OUTPUT_CALLS.search(unit.source))
        best = 0
        for literal in _STRING.findall(unit.source):
            fmt = _unescape(literal).rstrip("\n")
            if not fmt.strip("%") or not writes:
                continue
            if line and format_regex(fmt).fullmatch(line):
                best = max(best, 10 + len(re.sub(r"%\S", "", fmt)))  # more literal text, surer match
        if best or writes:
            scored.append((best or 1, unit.id))
    scored.sort(key=lambda s: -s[0])
    return [uid for _, uid in scored]


def suspects(ranked: list[str], graph: nx.DiGraph, kinds: dict[str, str]) -> list[str]:
    """Widen the ranking along the call graph: after the unit that printed the wrong line come the
    functions it uses, then its callers (which computed the printed values) and what they use."""
    out: list[str] = []

    def add(uid: str) -> None:
        if uid not in out and kinds.get(uid) == "function":
            out.append(uid)

    for uid in ranked:
        add(uid)
        for dep in nx.bfs_tree(graph, uid):
            add(dep)
        for caller in graph.predecessors(uid):
            add(caller)
            for dep in nx.bfs_tree(graph, caller):
                add(dep)
    return out
