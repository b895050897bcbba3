"""Types of local variables, parameters and instance attributes, so calls on them resolve to methods.

`x = Circle(2)`, `Circle x = ...`, `x := geom.Circle{}`, `let x = Circle {..}`, a parameter `x: Circle`, and
`self.x = Circle()` / `this.x = new Circle()` / a typed Java field give `x` the class Circle; the first such
assignment that names a class decides (flow-insensitive). Go methods name their receiver variable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from .kinds import NodeKind


class LocalTypes:
    """Mixed into the Resolver: needs `facts`, `defs`, `resolve_name`, `_locals` and `_typing`."""

    facts: Mapping[str, dict[str, Any]]  # path -> the file's facts (parse.py), as the Resolver holds them
    defs: dict[str, dict[str, str]]  # path -> {qualified name: kind}
    _locals: dict[str, dict[tuple[str, str], list[str]]]
    _local_names: dict[str, set[str]]  # the variables of `_locals[path]`, for a quick miss
    _typing: set[tuple[str, str, str]]

    resolve_name: Callable[[str, str, str], str | None]  # provided by the Resolver

    def _local_table(self, path: str) -> dict[tuple[str, str], list[str]]:
        """(scope, variable) -> the constructor or type texts assigned to it, in source order."""
        table = self._locals.get(path)
        if table is None:
            table = self._locals[path] = defaultdict(list)
            for where, var, text in self.facts[path].get("locals", ()):
                table[(where, var)].append(text)
            self._local_names[path] = {var for _where, var in table}
        return table

    def _local_type(self, path: str, scope: str, name: str) -> str | None:
        """The class of a variable assigned a new instance in `scope` or an enclosing scope (`x = Circle(2)`,
        `Circle x = ...`, `x := geom.Circle{}`), so `x.area()` resolves to Circle.area. Flow-insensitive."""
        table = self._local_table(path)
        if not table or name not in self._local_names[path]:
            return None
        parts = scope.split(".") if scope else []
        for cut in range(len(parts), -1, -1):
            prefix = ".".join(parts[:cut])
            texts = table.get((prefix, name))
            if not texts or (path, prefix, name) in self._typing:
                continue
            self._typing.add((path, prefix, name))  # `x = x.copy()` must not recurse forever
            try:
                for text in texts:  # the first assignment that constructs a class decides
                    found = self.resolve_name(path, prefix, text.lstrip("*&"))
                    if found and "::" in found:
                        file, _, qual = found.partition("::")
                        if self.defs.get(file, {}).get(qual) == NodeKind.CLASS:
                            return found
            finally:
                self._typing.discard((path, prefix, name))
            return None
        return None

    def _attribute_type(self, path: str, class_id: str, head: str, attr: str) -> str | None:
        """The class of an instance attribute: `self.x = Class()` in one of the class's methods, or a typed
        field `Class x;` in its body (same file)."""
        file, _, qual = class_id.partition("::")
        if file != path:
            return None
        for where, var in self._local_table(path):
            if (var == f"{head}.{attr}" and where.startswith(qual + ".")) or (var == attr and where == qual):
                return self._local_type(path, where, var)
        return None

    def _receiver_var(self, path: str, scope: str) -> str | None:
        """The receiver variable of the Go method enclosing `scope` (`c` in `func (c *Circle) Area()`)."""
        receivers = self.facts[path].get("receivers")
        if not receivers or not scope:
            return None
        table = dict(receivers)
        parts = scope.split(".")
        for cut in range(len(parts), 0, -1):
            var = table.get(".".join(parts[:cut]))
            if var:
                return var
        return None
