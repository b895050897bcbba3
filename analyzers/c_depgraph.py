"""The dependency graph of a C project: units, the edges between them, and a translation order.

Edges point from a unit to what it needs (calls, function pointers taken, globals, types, macros);
strongly connected components come out in topological order, dependencies first, so a translator
can work bottom-up. Name resolution follows C's visibility: the same file first, then what the file
includes (macros, types, static inline helpers), then external functions and globals of other files.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from .c_macros import decorator_macros, expand_function_macros, function_macros, substitute_decorators
from .c_units import CFile, CUnit, extract_units

C_SUFFIXES = (".c", ".h")
_SKIP_DIRS = {".git", ".repowright", "target", "build", "node_modules", "debian", ".pc"}
EXTERNAL_KINDS = ("function", "global")


@dataclass
class CDepGraph:
    """Units by id, the dependency graph (unit -> dependency, attribute `kind`), includes, and the order."""

    root: Path
    files: dict[str, CFile]
    units: dict[str, CUnit]
    graph: nx.DiGraph
    includes: nx.DiGraph
    order: list[list[str]] = field(default_factory=list)
    ambiguous: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (unit, name, candidates)

    def depends_on(self, unit_id: str) -> list[str]:
        return sorted(self.graph.successors(unit_id))

    def to_json(self) -> dict:
        """The plan: units with their dependencies, components in order, edges, includes and counts."""
        units = [
            {
                "id": u.id,
                "kind": u.kind,
                "name": u.name,
                "file": u.file,
                "start_line": u.start_line,
                "end_line": u.end_line,
                "size": u.end_line - u.start_line + 1,
                "static": u.static,
                "via_macro": u.via_macro,
                "condition": u.condition,
                "alternatives": [list(a) for a in u.alternatives],
                "depends_on": self.depends_on(u.id),
            }
            for u in self.ordered_units()
        ]
        edges = [{"from": a, "to": b, "kind": k} for a, b, k in sorted(self.graph.edges(data="kind"))]
        return {
            "root": str(self.root),
            "units": units,
            "order": self.order,
            "edges": edges,
            "includes": sorted([a, b] for a, b in self.includes.edges),
            "stats": self.stats(),
        }

    def ordered_units(self) -> list[CUnit]:
        return [self.units[i] for component in self.order for i in component]

    def stats(self) -> dict:
        return {
            "files": len(self.files),
            "units": len(self.units),
            "by_kind": dict(sorted(Counter(u.kind for u in self.units.values()).items())),
            "edges": dict(sorted(Counter(k for _, _, k in self.graph.edges(data="kind")).items())),
            "components": len(self.order),
            "largest_component": max(map(len, self.order), default=0),
            "ambiguous_references": len(self.ambiguous),
        }


def find_c_files(root: Path, sources: list[str] | None = None) -> list[Path]:
    """C sources and headers under `root`, in path order, skipping VCS, build and packaging folders;
    with `sources` (glob patterns), only the .c files matching them (headers are always kept)."""
    found = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.suffix not in C_SUFFIXES or not path.is_file():
            continue
        if any(p in _SKIP_DIRS or p.startswith(".") for p in rel.parts[:-1]):
            continue
        if sources and path.suffix == ".c" and not any(fnmatch.fnmatch(rel.as_posix(), s) for s in sources):
            continue
        found.append(path)
    return found


def build_c_depgraph(
    root: Path, progress: Callable[[str], None] | None = None, sources: list[str] | None = None
) -> CDepGraph:
    """Parse the C files under `root` (the .c files matching `sources`, when given) and resolve the
    names their units use into edges."""
    root = Path(root).resolve()
    paths = find_c_files(root, sources)
    texts = {p.relative_to(root).as_posix(): p.read_text("utf-8", errors="replace") for p in paths}
    # Pass 1: find the macros that define functions; pass 2 parses with their file-scope calls expanded.
    first = {rel: extract_units(text.encode(), rel) for rel, text in texts.items()}
    every_unit = [u for f in first.values() for u in f.units]
    generators = function_macros(every_unit)
    decorators = decorator_macros(every_unit)
    files: dict[str, CFile] = {}
    for rel, text in texts.items():
        if progress:
            progress(rel)
        expanded, lines = expand_function_macros(substitute_decorators(text, decorators), generators)
        files[rel] = first[rel] if expanded == text else extract_units(expanded.encode(), rel)
        original = text.split("\n")
        for unit in files[rel].units:
            if unit.start_line in lines and unit.kind == "function":
                unit.via_macro = lines[unit.start_line]
                unit.idents.add(lines[unit.start_line])
            if expanded != text and unit.kind != "macro":  # the decorators it was written with
                written = "\n".join(original[unit.start_line - 1 : unit.end_line])
                unit.idents.update(d for d in decorators if re.search(rf"\b{d}\b", written))
    return _assemble(root, files)


def _assign_ids(files: dict[str, CFile]) -> dict[str, CUnit]:
    units: dict[str, CUnit] = {}
    for cfile in files.values():
        for unit in cfile.units:
            unit.id = f"{unit.file}::{unit.name}"
            if unit.id in units:  # e.g. a macro and a function of the same name in one file
                unit.id = f"{unit.file}::{unit.kind} {unit.name}"
            units[unit.id] = unit
    return units


def include_graph(files: dict[str, CFile]) -> nx.DiGraph:
    """File -> included file, for quoted includes found in the project (by relative path, else by name)."""
    by_name: dict[str, list[str]] = {}
    for rel in files:
        by_name.setdefault(posixpath.basename(rel), []).append(rel)
    graph = nx.DiGraph()
    graph.add_nodes_from(files)
    for rel, cfile in files.items():
        for inc in cfile.includes:
            local = posixpath.normpath(posixpath.join(posixpath.dirname(rel), inc))
            targets = [local] if local in files else by_name.get(posixpath.basename(inc), [])[:1]
            graph.add_edges_from((rel, t) for t in targets if t != rel)
    return graph


class _Resolver:
    """Finds the unit a name refers to from a given file, following C's visibility."""

    def __init__(self, units: dict[str, CUnit], includes: nx.DiGraph):
        self.ordinary: dict[str, list[CUnit]] = {}
        self.tags: dict[str, list[CUnit]] = {}
        for unit in units.values():
            for name in unit.defines:
                self.ordinary.setdefault(name, []).append(unit)
            for tag in unit.tags:
                self.tags.setdefault(tag, []).append(unit)
        self.includes = includes
        self._visible: dict[str, set[str]] = {}

    def visible_files(self, rel: str) -> set[str]:
        if rel not in self._visible:
            self._visible[rel] = nx.descendants(self.includes, rel) | {rel}
        return self._visible[rel]

    def resolve(self, name: str, source: CUnit, tag: bool = False) -> list[CUnit]:
        candidates = [c for c in (self.tags if tag else self.ordinary).get(name, []) if c is not source]
        for keep in (
            lambda c: c.file == source.file,
            lambda c: c.file in self.visible_files(source.file),
            lambda c: c.kind in EXTERNAL_KINDS and not c.static,
        ):
            chosen = [c for c in candidates if keep(c)]
            if chosen:
                return chosen
        return []


def _edge_kind(target: CUnit, name: str, source: CUnit) -> str:
    if target.kind == "function":
        return "calls" if name in source.calls else "references"
    return {"global": "uses_global", "macro": "uses_macro"}.get(target.kind, "uses_type")


def _assemble(root: Path, files: dict[str, CFile]) -> CDepGraph:
    units = _assign_ids(files)
    includes = include_graph(files)
    resolver = _Resolver(units, includes)
    graph = nx.DiGraph()
    graph.add_nodes_from(units)
    ambiguous = []
    for unit in units.values():
        wanted = [(n, False) for n in sorted(unit.idents | unit.types | unit.calls)]
        wanted += [(t, True) for t in sorted(unit.tag_refs)]
        for name, is_tag in wanted:
            targets = resolver.resolve(name, unit, tag=is_tag)
            if len({t.file for t in targets}) > 1 and all(t.kind in EXTERNAL_KINDS for t in targets):
                ambiguous.append((unit.id, name, sorted(t.id for t in targets)))
            for target in targets:
                if not graph.has_edge(unit.id, target.id):
                    graph.add_edge(unit.id, target.id, kind=_edge_kind(target, name, unit))
    dep = CDepGraph(root=root, files=files, units=units, graph=graph, includes=includes, ambiguous=ambiguous)
    dep.order = translation_order(graph, units)
    return dep


def translation_order(graph: nx.DiGraph, units: dict[str, CUnit]) -> list[list[str]]:
    """Strongly connected components, dependencies before dependents; ties broken by file and line."""
    condensed = nx.condensation(graph)
    members = condensed.graph["mapping"]
    groups: dict[int, list[str]] = {}
    for node, comp in members.items():
        groups.setdefault(comp, []).append(node)

    def position(comp: int) -> tuple:
        return min((units[n].file, units[n].start_line, n) for n in groups[comp])

    ordered = nx.lexicographical_topological_sort(condensed.reverse(copy=False), key=position)
    return [sorted(groups[c], key=lambda n: (units[n].file, units[n].start_line)) for c in ordered]


def order_violations(plan: dict) -> list[str]:
    """Dependencies that come after their dependent in `plan["order"]` (empty when the order is valid)."""
    position = {uid: i for i, component in enumerate(plan["order"]) for uid in component}
    problems = []
    for unit in plan["units"]:
        for dep in unit["depends_on"]:
            if position.get(dep, len(position)) > position[unit["id"]]:
                problems.append(f"{unit['id']} comes before its dependency {dep}")
    listed = [u for c in plan["order"] for u in c]
    if sorted(listed) != sorted(u["id"] for u in plan["units"]) or len(set(listed)) != len(listed):
        problems.append("the order does not list every unit exactly once")
    return problems
