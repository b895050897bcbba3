"""Cross-file resolution: imports to files, calls/bases/references to definitions, using scopes and imports.

Rules (few and explicit): a name is looked up in enclosing function scopes, then the file's top level, then its
imports (following re-exports), then star imports, then the language's implicit scope (same Go package or Java
package folder, C/C++ headers it includes and their sibling sources, then a unique global C definition).
`self`/`this`/`cls`/`Self` calls go to the enclosing class and its bases; `super()` to the bases. Anything else
(a method on a value of unknown type, a builtin, a library) stays unresolved and is listed by name on the
calling node's `unresolved_calls` attribute.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from .kinds import CALLABLE_KINDS, EdgeKind, NodeKind
from .local_types import LocalTypes
from .modules import ModuleIndex

FAMILY = {"c": "c", "cpp": "c", "javascript": "js", "typescript": "js", "tsx": "js"}
_GENERIC = re.compile(r"<[^<>()]*>")
_SELF = {"self", "this", "cls", "Self"}
_CHAIN = re.compile(r"[A-Za-z_$][\w$]*(?:\(\))?(?:\.[A-Za-z_$][\w$]*)*$")
Edge = tuple[str, str, str, int]


class Resolver(LocalTypes):
    """Symbol tables for the whole repository; `resolve_file(path)` gives one file's outgoing edges."""

    def __init__(
        self, facts: Mapping[str, dict[str, Any]], paths: list[str], lang_of: dict[str, str]
    ) -> None:
        self.facts = facts  # may load lazily: only the files a resolution touches are read
        self.lang_of = lang_of
        self.parsed = [p for p in sorted(paths) if p in lang_of]
        self.modules = ModuleIndex(paths, lang_of)
        self.defs: dict[str, dict[str, str]] = _Lazy(
            lambda p: {d[1]: d[0] for d in self.facts[p]["defs"]}, lang_of
        )
        self.bindings: dict[str, dict[str, str | None]] = _Lazy(lambda p: self._bind(p)[0], lang_of)
        self.stars: dict[str, list[str]] = _Lazy(lambda p: self._bind(p)[1], lang_of)
        self.import_edges: dict[str, list[tuple[str, int]]] = _Lazy(lambda p: self._bind(p)[2], lang_of)
        self._tables: tuple[dict, dict] | None = None
        self._member_memo: dict[tuple[str, str], str | None] = {}
        self._locals: dict[str, dict[tuple[str, str], list[str]]] = {}
        self._local_names: dict[str, set[str]] = {}
        self._typing: set[tuple[str, str, str]] = set()
        self._bases_memo: dict[str, list[str]] = {}
        self._inner: dict[str, set[str]] = {}

    def close(self) -> None:
        """Drop the tables: their lazy makers refer back to the resolver, a cycle that only the cycle collector
        (paused while building) would free, so without this the whole symbol table outlives the build."""
        tables: tuple[Any, ...] = (self.defs, self.bindings, self.stars, self.import_edges)
        for table in tables:
            table.clear()
            table.make = None

    def _inner_names(self, path: str) -> set[str]:
        """Simple names defined inside functions in `path`: a bare name outside this set is not local to any
        enclosing function (lets `lookup` skip walking the scope chain, the common case)."""
        names = self._inner.get(path)
        if names is None:
            defs = self.defs[path]
            names = self._inner[path] = {
                q.rpartition(".")[2] for q in defs if defs.get(q.rpartition(".")[0]) in CALLABLE_KINDS
            }
        return names

    def _global_tables(self) -> tuple[dict[tuple[str, str], list[str]], dict[str, list[str]]]:
        """Definitions by (language family, qualified name) and C top-level names (built on first need)."""
        if self._tables is None:
            by_qual: dict[tuple[str, str], list[str]] = defaultdict(list)
            c_by_name: dict[str, list[str]] = defaultdict(list)
            for path in self.parsed:
                family = FAMILY.get(self.lang_of[path], self.lang_of[path])
                if family not in ("c", "rust", "go"):
                    continue
                for qual in self.defs[path]:
                    by_qual[(family, qual)].append(f"{path}::{qual}")
                    if family == "c" and "." not in qual:
                        c_by_name[qual].append(f"{path}::{qual}")
            self._tables = (by_qual, c_by_name)
        return self._tables

    # imports ----------------------------------------------------------------------------------------------
    def _bind(self, path: str) -> tuple[dict[str, str | None], list[str], list[tuple[str, int]]]:
        lang = self.lang_of[path]
        binds: dict[str, str | None] = {}
        stars: list[str] = []
        edges: list[tuple[str, int]] = []
        mods = self.modules
        for _scope, line, module, names, alias, level, star in self.facts[path]["imports"]:
            target: str | None = None
            if lang == "python":
                absolute = mods.python_absolute(path, module, level)
                target = mods.python.get(absolute)
                if star:
                    stars.append(f"mod:{absolute}")
                elif names is None:
                    binds[alias or absolute.split(".")[0]] = (
                        f"mod:{absolute}" if alias else f"mod:{absolute.split('.')[0]}"
                    )
                else:
                    for name, bound in names:
                        sub = f"{absolute}.{name}" if absolute else name
                        if sub in mods.python:
                            binds[bound] = f"mod:{sub}"
                            edges.append((mods.python[sub], line))
                        else:
                            binds[bound] = f"sym:{absolute}|{name}"
            elif lang in ("c", "cpp"):
                target = mods.include(path, module, bool(level))
            elif FAMILY.get(lang) == "js":
                target = mods.js_module(path, module)
                for name, bound in names or ():
                    binds[bound] = f"file:{target}#{name}" if target else None
                if alias:
                    binds[alias] = target
                if star and target:
                    stars.append(target)
            elif lang == "go":
                target = mods.go_package(module)
                if star and target:
                    stars.append(target)
                elif alias:
                    binds[alias] = target
            elif lang == "java":
                if star:
                    target = mods.java_package_dir(module)
                    if target:
                        stars.append(target)
                else:
                    target = mods.java_class_file(module)
                    for name, bound in names or ():
                        binds[bound] = f"file:{target}#{name}" if target else None
                    if alias:
                        binds[alias] = f"file:{target}#{alias}" if target else None
            elif lang == "rust":
                target, rest = mods.rust_path(path, module)
                if star and target:
                    stars.append(f"file:{target}#{'.'.join(rest)}" if rest else target)
                elif alias and alias != "*":
                    binds[alias] = (f"file:{target}#{'.'.join(rest)}" if rest else target) if target else None
            if target is not None:
                edges.append((target, line))
        dict.__setitem__(self.bindings, path, binds)
        dict.__setitem__(self.stars, path, stars)
        dict.__setitem__(self.import_edges, path, edges)
        return binds, stars, edges

    def target(self, ref: str | None, depth: int = 0) -> str | None:
        """A binding's node id: a definition, a file or a package folder; None when outside the repo."""
        if ref is None or depth > 8:
            return None
        if ref.startswith("mod:"):
            return self.modules.python.get(ref[4:])
        if ref.startswith("sym:"):
            module, _, name = ref[4:].partition("|")
            file = self.modules.python.get(module)
            return self.member(file, name, depth + 1) if file else None
        if ref.startswith("file:"):
            file, _, dotted = ref[5:].partition("#")
            node: str | None = file
            for part in dotted.split(".") if dotted else ():
                fallback = node
                node = self.member(node, part, depth + 1) if node else None
                if node is None and part == "default":
                    node = fallback
            return node
        return ref

    # members ----------------------------------------------------------------------------------------------
    def member(self, container: str | None, name: str, depth: int = 0) -> str | None:
        """`name` inside a module file, a package folder or a class (following bases)."""
        if container is None or depth > 8:
            return None
        key = (container, name)
        if key in self._member_memo:
            return self._member_memo[key]
        self._member_memo[key] = None  # guards cycles
        found = self._member(container, name, depth)
        self._member_memo[key] = found
        return found

    def _member(self, container: str, name: str, depth: int) -> str | None:
        if container.endswith("/"):
            for file in self.modules.dir_files.get(container[:-1], ()):
                if name in self.defs.get(file, {}):
                    return f"{file}::{name}"
            return None
        if "::" not in container:
            defs = self.defs.get(container, {})
            if name in defs:
                return f"{container}::{name}"
            if self.lang_of.get(container) == "python":
                sub = self.modules.python.get(f"{self.modules.python_name.get(container, '')}.{name}")
                if sub:
                    return sub
            if name in self.bindings.get(container, {}):
                return self.target(self.bindings[container][name], depth + 1)
            for star in self.stars.get(container, ()):
                found = self.member(self.target(star, depth + 1), name, depth + 1)
                if found:
                    return found
            return None
        path, _, qual = container.partition("::")
        if self.defs.get(path, {}).get(qual) != NodeKind.CLASS:
            return None
        if f"{qual}.{name}" in self.defs[path]:
            return f"{container}.{name}"
        family = FAMILY.get(self.lang_of[path], self.lang_of[path])
        if family in ("rust", "go", "c"):  # impl blocks, receivers and out-of-line methods live elsewhere
            others = self._global_tables()[0].get((family, f"{qual.rpartition('.')[2]}.{name}"))
            if others:
                return others[0]
        for base in self.bases_of(container):
            found = self.member(base, name, depth + 1)
            if found:
                return found
        return None

    def bases_of(self, class_id: str) -> list[str]:
        if class_id not in self._bases_memo:
            self._bases_memo[class_id] = []
            path, _, qual = class_id.partition("::")
            found = [
                self.resolve_name(path, qual, text)
                for scope, text in self.facts[path]["bases"]
                if scope == qual
            ]
            self._bases_memo[class_id] = [b for b in found if b and b != class_id]
        return self._bases_memo[class_id]

    # names ------------------------------------------------------------------------------------------------
    def lookup(self, path: str, scope: str, name: str) -> str | None:
        """The definition, file or folder a bare `name` denotes at `scope` in `path`."""
        defs = self.defs[path]
        lang = self.lang_of[path]
        parts = (
            scope.split(".")
            if scope and (lang in ("java", "cpp") or "." in name or name in self._inner_names(path))
            else []
        )
        for cut in range(len(parts), 0, -1):
            prefix = ".".join(parts[:cut])
            kind = defs.get(prefix)
            if kind in CALLABLE_KINDS and f"{prefix}.{name}" in defs:
                return f"{path}::{prefix}.{name}"
            if kind == NodeKind.CLASS and lang in ("java", "cpp"):
                found = self.member(f"{path}::{prefix}", name)
                if found:
                    return found
        binds = self.bindings[path]
        if name in defs and not (
            defs[name] == NodeKind.VARIABLE and name in binds
        ):  # `x = require(...)` binds x
            return f"{path}::{name}"
        if name in binds:
            return self.target(binds[name])
        for star in self.stars[path]:
            found = self.member(self.target(star), name)
            if found:
                return found
        if lang in ("go", "java"):
            return self.member(posixpath.dirname(path) + "/", name)
        if lang in ("c", "cpp"):
            return self._c_lookup(path, name)
        return None

    def _c_lookup(self, path: str, name: str) -> str | None:
        candidates = self._global_tables()[1].get(name)
        if not candidates:
            return None
        reach = self._included(path)
        for cand in candidates:
            if cand.partition("::")[0] in reach:
                return cand
        return candidates[0] if len(candidates) == 1 else None

    def _included(self, path: str) -> set[str]:
        seen = {path}
        frontier = [path]
        for _ in range(3):
            nxt = []
            for file in frontier:
                for target, _line in self.import_edges.get(file, ()):
                    stem = target.rsplit(".", 1)[0]
                    for sibling in [target] + [stem + ext for ext in (".c", ".cc", ".cpp", ".cxx")]:
                        if sibling in self.modules.paths and sibling not in seen:
                            seen.add(sibling)
                            nxt.append(sibling)
            frontier = nxt
        return seen

    def enclosing_class(self, path: str, scope: str) -> str | None:
        parts = scope.split(".") if scope else []
        defs = self.defs[path]
        for cut in range(len(parts), 0, -1):
            prefix = ".".join(parts[:cut])
            kind = defs.get(prefix)
            if kind == NodeKind.CLASS:
                return f"{path}::{prefix}"
            if kind is None:  # an impl block, Go receiver or C++ out-of-line qualifier
                found = self.lookup(path, "", prefix.rpartition(".")[2])
                if (
                    found
                    and "::" in found
                    and self.defs[found.partition("::")[0]].get(found.partition("::")[2]) == NodeKind.CLASS
                ):
                    return found
        return None

    def resolve_name(self, path: str, scope: str, text: str) -> str | None:
        """A called or referenced expression (`f`, `a.b.f`, `self.m`, `super().m`, `A::new`) to a node id."""
        if text.isidentifier():  # the common case: a bare name
            return self.lookup(path, scope, text)
        if "::" in text or "->" in text or "?." in text or "<" in text:
            text = _GENERIC.sub("", text.replace("::", ".").replace("->", ".").replace("?.", "."))
        if text.startswith(("super().", "super.")):
            cls = self.enclosing_class(path, scope)
            name = text.split(".", 1)[1]
            for base in self.bases_of(cls) if cls and "." not in name else ():
                found = self.member(base, name)
                if found:
                    return found
            return None
        if not _CHAIN.match(text):  # calls on call results, subscripts, literals: not resolvable by name
            return None
        parts = text.split(".")
        head = parts[0]
        if head.endswith("()"):
            head = head[:-2]
        if len(parts) > 1 and (head in _SELF or head == self._receiver_var(path, scope)):
            node = self.enclosing_class(path, scope)
            if len(parts) > 2 and node is not None and self.member(node, parts[1]) is None:
                typed = self._attribute_type(path, node, head, parts[1])
                if typed is not None:  # self.x.method() with self.x = Class(...) somewhere in the class
                    node, parts = typed, [head, *parts[2:]]
        elif len(parts) > 1 and (typed := self._local_type(path, scope, head)) is not None:
            node = typed
        else:
            node = self.lookup(path, scope, head)
        for part in parts[1:]:
            node = self.member(node, part)
            if node is None:
                return None
        return node

    # per-file output --------------------------------------------------------------------------------------
    def resolve_file(self, path: str) -> tuple[list[Edge], dict[str, list[str]]]:
        """Edges leaving `path`'s nodes (imports, calls, inherits, references) and unresolved calls by node."""
        facts = self.facts[path]
        defs = self.defs[path]
        edges: dict[tuple[str, str, str], int] = {}
        for target, line in self.import_edges[path]:
            edges.setdefault((path, target, EdgeKind.IMPORTS), line)
        unresolved: dict[str, set[str]] = defaultdict(set)
        memo: dict[tuple[str, str], str | None] = {}  # the same call in the same scope resolves the same way
        for scope, text, line in facts["calls"]:
            src = f"{path}::{scope}" if scope in defs else path
            key = (scope, text)
            if key in memo:
                dst = memo[key]
            else:
                dst = memo[key] = self.resolve_name(path, scope, text)
            if dst and "::" in dst:
                edges.setdefault((src, dst, EdgeKind.CALLS), line)
            else:
                unresolved[src].add(text)
        for scope, text in facts["bases"]:
            owner = (
                f"{path}::{scope}" if defs.get(scope) == NodeKind.CLASS else self.enclosing_class(path, scope)
            )
            dst = self.resolve_name(path, scope, text)
            if owner and dst and "::" in dst and dst != owner:
                edges.setdefault((owner, dst, EdgeKind.INHERITS), 0)
        for scope, name in facts["refs"]:
            src = f"{path}::{scope}" if scope in defs else path
            dst = self.lookup(path, scope, name)
            if dst and "::" in dst and dst != src and (src, dst, EdgeKind.CALLS) not in edges:
                edges.setdefault((src, dst, EdgeKind.REFERENCES), 0)
        out = [(s, d, k, line) for (s, d, k), line in edges.items()]
        return out, {node: sorted(names) for node, names in unresolved.items()}


class _Lazy(dict):
    """A dict that computes a missing key with `make(key)` and keeps it."""

    def __init__(self, make: Callable[[str], Any], valid: Mapping[str, Any]) -> None:
        super().__init__()
        self.make = make
        self.valid = valid

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self.valid else default

    def __missing__(self, key: str) -> Any:
        value = self.make(key)
        self[key] = value
        return value
