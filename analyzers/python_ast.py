"""Python facts from the standard library's `ast`, used when tree-sitter's grammar cannot parse a file that
Python itself accepts (its error recovery then swallows whole classes). Same facts shape as `parse.py`."""

from __future__ import annotations

import ast
import re
from hashlib import blake2b
from typing import Any

from .imports import parse_import
from .kinds import NodeKind

MAX_TEXT = 200
_SPACE = re.compile(rb"\s+")


class _Collector(ast.NodeVisitor):
    def __init__(self, src: bytes) -> None:
        self.src = src
        self.offsets = [0]
        for line in src.splitlines(keepends=True):
            self.offsets.append(self.offsets[-1] + len(line))
        self.defs: list[list[Any]] = []
        self.calls: list[list[Any]] = []
        self.bases: list[list[str]] = []
        self.refs: set[tuple[str, str]] = set()
        self.imports: list[list[Any]] = []
        self.stack: list[tuple[str, str]] = []  # (qualname, kind)
        self.seen: dict[str, int] = {}
        self.skip: set[int] = set()  # ids of Name nodes that are callees or bases

    def _span(self, node: ast.AST) -> bytes:
        start = self.offsets[node.lineno - 1] + node.col_offset  # type: ignore[attr-defined]
        end = self.offsets[node.end_lineno - 1] + node.end_col_offset  # type: ignore[attr-defined]
        return self.src[start:end]

    def _compact(self, node: ast.AST) -> str:
        return _SPACE.sub(b"", self._span(node)[: 4 * MAX_TEXT]).decode("utf-8", "replace")[:MAX_TEXT]

    @property
    def scope(self) -> str:
        return self.stack[-1][0] if self.stack else ""

    def _define(self, node: ast.AST, kind: str, name: str, signature: str, doc: str) -> str:
        parent, parent_kind = self.stack[-1] if self.stack else ("", "")
        if kind == NodeKind.FUNCTION and parent_kind == NodeKind.CLASS:
            kind = NodeKind.METHOD
        qual = f"{parent}.{name}" if parent else name
        count = self.seen.get(qual, 0) + 1
        self.seen[qual] = count
        if count > 1:
            qual = f"{qual}#{count}"
        digest = blake2b(self._span(node), digest_size=8).hexdigest()
        self.defs.append(
            [
                kind,
                qual,
                name,
                node.lineno,  # type: ignore[attr-defined]
                node.end_lineno,  # type: ignore[attr-defined]
                signature[:MAX_TEXT],
                doc[:MAX_TEXT],
                digest,
                parent,
            ]
        )
        return qual

    def _signature(self, node: ast.AST, body: list[ast.stmt]) -> str:
        text = self._span(node)
        cut = (
            self.offsets[body[0].lineno - 1]
            + body[0].col_offset
            - (self.offsets[node.lineno - 1] + node.col_offset)  # type: ignore[attr-defined]
        )
        return " ".join(text[: max(0, cut)].decode("utf-8", "replace").split()).rstrip(":").strip()

    @staticmethod
    def _doc(node: ast.AST) -> str:
        doc = (
            ast.get_docstring(node, clean=True)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module))
            else None
        )
        return next((line.strip() for line in (doc or "").splitlines() if line.strip()), "")

    def _scoped(self, node: ast.AST, kind: str, name: str, body: list[ast.stmt]) -> None:
        for decorator in getattr(node, "decorator_list", ()):
            self.visit(decorator)
        qual = self._define(node, kind, name, self._signature(node, body), self._doc(node))
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                self.skip.add(id(base))
                self.bases.append([qual, self._compact(base)])
        self.stack.append((qual, NodeKind.CLASS if kind == NodeKind.CLASS else NodeKind.FUNCTION))
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                self.visit(base)
            for keyword in node.keywords:
                self.visit(keyword)
        else:
            self.visit(node.args)  # type: ignore[attr-defined]
            if node.returns is not None:  # type: ignore[attr-defined]
                self.visit(node.returns)  # type: ignore[attr-defined]
        for statement in body:
            self.visit(statement)
        self.stack.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._scoped(node, NodeKind.FUNCTION, node.name, node.body)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._scoped(node, NodeKind.CLASS, node.name, node.body)

    def visit_Assign(self, node: ast.Assign) -> None:
        target = node.targets[0] if len(node.targets) == 1 else None
        if isinstance(target, ast.Name) and isinstance(node.value, ast.Lambda):
            qual = self._define(node, NodeKind.FUNCTION, target.id, self._first_line(node), "")
            self.stack.append((qual, NodeKind.FUNCTION))
            self.visit(node.value)
            self.stack.pop()
            return
        names = [t.id for t in node.targets if isinstance(t, ast.Name)] if not self.stack else []
        for name in names:
            qual = self._define(node, NodeKind.VARIABLE, name, self._first_line(node), "")
        if names:  # as in parse.py: what a module-level variable's value calls is attributed to it
            self.stack.append((qual, NodeKind.FUNCTION))
            self.generic_visit(node)
            self.stack.pop()
        else:
            self.generic_visit(node)

    def _first_line(self, node: ast.AST) -> str:
        return self._span(node).decode("utf-8", "replace").strip().splitlines()[0].strip()

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, (ast.Name, ast.Attribute)):
            self.skip.add(id(node.func))
            self.calls.append([self.scope, self._compact(node.func), node.lineno])
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if id(node) not in self.skip and node.id[:1].isupper() and self.scope.rpartition(".")[2] != node.id:
            self.refs.add((self.scope, node.id))

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        for spec in parse_import("python", self._span(node).decode("utf-8", "replace"), ""):
            self.imports.append([self.scope, node.lineno, *spec])

    visit_ImportFrom = visit_Import  # type: ignore[assignment]


def facts_from_ast(src: bytes) -> dict[str, Any] | None:
    """Facts for a Python file via `ast`, or None when Python cannot parse it either."""
    try:
        tree = ast.parse(src)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    collector = _Collector(src)
    try:
        collector.visit(tree)
    except RecursionError:  # parsed, but nested deeper than the visitor can walk (a 600-term sum)
        return None
    return {
        "defs": collector.defs,
        "calls": collector.calls,
        "bases": collector.bases,
        "refs": sorted(collector.refs),
        "imports": collector.imports,
        "doc": _Collector._doc(tree),
    }
