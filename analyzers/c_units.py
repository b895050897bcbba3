"""The translation units of one C file (functions, globals, types, macros) and the names each one uses.

A unit is one file-scope definition as tree-sitter-c sees it. The project-level resolution of the
names into edges lives in `c_depgraph`; this module looks at one file only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import tree_sitter_c
from tree_sitter import Language, Node, Parser, Query, QueryCursor

QUERY_DIR = Path(__file__).parent / "queries" / "c"
# Items nested under these are not file-scope units.
_NOT_FILE_SCOPE = {
    "function_definition",
    "compound_statement",
    "field_declaration_list",
    "parameter_list",
    "declaration",
    "type_definition",
    "enumerator_list",
}
_CONDITIONALS = {"preproc_if", "preproc_ifdef", "preproc_elif", "preproc_else", "preproc_elifdef"}
_IDENT = re.compile(r"[A-Za-z_]\w*")


@dataclass
class CUnit:
    """One file-scope definition and the raw names it refers to (resolved later, project-wide)."""

    kind: str  # function | global | struct | union | enum | typedef | macro
    name: str
    file: str
    start_line: int
    end_line: int
    source: str
    static: bool = False
    defines: list[str] = field(
        default_factory=list
    )  # ordinary names: the name, enumerators, more declarators
    tags: list[str] = field(default_factory=list)  # "struct Foo" names it defines
    calls: set[str] = field(default_factory=set)
    idents: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)
    tag_refs: set[str] = field(default_factory=set)
    via_macro: str | None = None  # the macro that wraps the name or generated the definition
    condition: str | None = None  # the innermost enclosing #if/#ifdef line, when inside one
    alternatives: list[tuple[int, int]] = field(default_factory=list)  # other spans (#ifdef branches)
    id: str = ""  # "file::name", given when the project is assembled (c_depgraph)


@dataclass
class CFile:
    """The units and `#include`s of one file."""

    path: str
    units: list[CUnit]
    includes: list[str]  # quoted includes as written ("bzlib.h"); system includes are left out


@cache
def c_language() -> Language:
    return Language(tree_sitter_c.language())


@cache
def c_query(name: str) -> Query:
    """A query from analyzers/queries/c/<name>.scm."""
    return Query(c_language(), (QUERY_DIR / f"{name}.scm").read_text())


def parse_c(source: bytes):
    return Parser(c_language()).parse(source)


def _text(node: Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


def declarator_name(node: Node | None) -> Node | None:
    """The identifier a (possibly nested) declarator declares."""
    while node is not None:
        if node.type in ("identifier", "type_identifier", "field_identifier"):
            return node
        inner = node.child_by_field_name("declarator")
        if inner is None and node.type == "parenthesized_declarator":
            inner = node.named_children[0] if node.named_children else None
        node = inner
    return None


def _is_prototype(declarator: Node) -> bool:
    """True for `int f(int)`, false for a function pointer `int (*f)(int)` or an object."""
    node: Node | None = declarator
    while node is not None and node.type in ("init_declarator", "pointer_declarator"):
        node = node.child_by_field_name("declarator")
    if node is None or node.type != "function_declarator":
        return False
    # A macro-wrapped name (`BZ_API(f) (int a)`) reads as a function declarator inside another one.
    inner = node.child_by_field_name("declarator")
    return inner is not None and inner.type in ("identifier", "function_declarator")


def _file_scope(node: Node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type in _NOT_FILE_SCOPE:
            return False
        parent = parent.parent
    return True


def _condition(node: Node) -> str | None:
    """The first line of the innermost preprocessor conditional around `node`."""
    parent = node.parent
    while parent is not None:
        if parent.type in _CONDITIONALS:
            return _text(parent).splitlines()[0].strip()
        parent = parent.parent
    return None


def _storage(node: Node) -> set[str]:
    return {_text(c) for c in node.children if c.type == "storage_class_specifier"}


def function_name(definition: Node) -> tuple[Node | None, str | None]:
    """The name of a function definition, seeing through name-wrapping macros like `BZ_API(f)`.

    tree-sitter reads `int BZ_API(f) (int a)` as a function declarator nested in another one; the
    inner "parameter" is then the real name and the inner "function" the wrapping macro.
    """
    decl = definition.child_by_field_name("declarator")
    while decl is not None and decl.type == "pointer_declarator":
        decl = decl.child_by_field_name("declarator")
    if decl is None or decl.type != "function_declarator":
        return declarator_name(decl), None
    inner = decl.child_by_field_name("declarator")
    if inner is not None and inner.type == "function_declarator":
        macro = inner.child_by_field_name("declarator")
        params = inner.child_by_field_name("parameters")
        args = params.named_children if params is not None else []
        if macro is not None and macro.type == "identifier" and len(args) == 1:
            wrapped = args[0].child_by_field_name("type") or declarator_name(args[0]) or args[0]
            if wrapped.type in ("identifier", "type_identifier"):
                return wrapped, _text(macro)
    return declarator_name(decl), None


def _locals(definition: Node) -> set[str]:
    """Names of parameters and local variables (they shadow file-scope names)."""
    names: set[str] = set()
    stack = [definition]
    while stack:
        node = stack.pop()
        if node.type in ("parameter_declaration", "declaration") and node is not definition:
            for child_index, child in enumerate(node.children):
                if node.field_name_for_child(child_index) == "declarator":
                    ident = declarator_name(child)
                    if ident is not None:
                        names.add(_text(ident))
        elif node.type == "parameter_list":  # K&R: identifiers straight in the list
            names.update(_text(c) for c in node.named_children if c.type == "identifier")
        stack.extend(node.named_children)
    return names


def collect_references(unit: CUnit, node: Node, exclude: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    """Fill the unit's raw reference sets from the captures of references.scm under `node`."""
    captures = QueryCursor(c_query("references")).captures(node)
    tag_nodes = set()
    for kind in ("struct", "union", "enum"):
        for n in captures.get(f"tag.{kind}", []):
            tag_nodes.add(n.id)
            unit.tag_refs.add(f"{kind} {_text(n)}")
    unit.calls.update(_text(n) for n in captures.get("call", []))
    unit.idents.update(_text(n) for n in captures.get("ident", []))
    unit.types.update(_text(n) for n in captures.get("type", []) if n.id not in tag_nodes)
    unit.calls -= exclude
    unit.idents -= exclude
    unit.tag_refs -= set(unit.tags)


def _unit(kind: str, name: str, node: Node, path: str, **extra) -> CUnit:
    end_row, end_column = node.end_point
    if end_column == 0 and end_row > node.start_point[0]:  # a #define ends with its newline
        end_row -= 1
    return CUnit(
        kind=kind,
        name=name,
        file=path,
        start_line=node.start_point[0] + 1,
        end_line=end_row + 1,
        source=_text(node),
        condition=_condition(node),
        **extra,
    )


def _function_unit(node: Node, path: str) -> CUnit | None:
    ident, macro = function_name(node)
    if ident is None:
        return None
    name = _text(ident)
    unit = _unit(
        "function", name, node, path, static="static" in _storage(node), defines=[name], via_macro=macro
    )
    collect_references(unit, node, exclude=_locals(node) | {name})
    if macro:
        unit.idents.add(macro)
    return unit


def _type_parts(spec: Node | None) -> tuple[list[str], list[str]]:
    """Tags and enumerators a struct/union/enum specifier with a body defines."""
    if spec is None or spec.type not in ("struct_specifier", "union_specifier", "enum_specifier"):
        return [], []
    if spec.child_by_field_name("body") is None:
        return [], []
    kind = spec.type.split("_")[0]
    name = spec.child_by_field_name("name")
    tags = [f"{kind} {_text(name)}"] if name is not None else []
    enumerators = []
    if kind == "enum":
        body = spec.child_by_field_name("body")
        children = body.named_children if body is not None else []
        enumerators = [_text(e.child_by_field_name("name")) for e in children if e.type == "enumerator"]
    return tags, enumerators


def _declaration_unit(node: Node, path: str) -> CUnit | None:
    storage = _storage(node)
    declarators = [c for i, c in enumerate(node.children) if node.field_name_for_child(i) == "declarator"]
    tags, enumerators = _type_parts(node.child_by_field_name("type"))
    objects = [] if "extern" in storage else [d for d in declarators if not _is_prototype(d)]
    names = [_text(declarator_name(d)) for d in objects if declarator_name(d) is not None]
    if names:
        unit = _unit(
            "global", names[0], node, path, static="static" in storage, defines=names + enumerators, tags=tags
        )
    elif tags or enumerators:  # `struct S {...};` or `enum {A, B};`
        spec = node.child_by_field_name("type")
        kind = spec.type.split("_")[0] if spec is not None else "struct"
        label = tags[0] if tags else f"enum {enumerators[0]}"
        unit = _unit(kind, label, node, path, defines=enumerators, tags=tags)
    else:
        return None  # prototypes and extern declarations are not definitions
    collect_references(unit, node, exclude=set(unit.defines))
    return unit


def _typedef_unit(node: Node, path: str) -> CUnit | None:
    declarators = [c for i, c in enumerate(node.children) if node.field_name_for_child(i) == "declarator"]
    names = [_text(declarator_name(d)) for d in declarators if declarator_name(d) is not None]
    if not names:
        return None
    tags, enumerators = _type_parts(node.child_by_field_name("type"))
    unit = _unit("typedef", names[0], node, path, defines=names + enumerators, tags=tags)
    collect_references(unit, node, exclude=set(unit.defines))
    unit.types -= set(names)
    return unit


def _macro_unit(node: Node, path: str) -> CUnit:
    name = _text(node.child_by_field_name("name"))
    unit = _unit("macro", name, node, path, defines=[name])
    params = node.child_by_field_name("parameters")
    local = {_text(p) for p in params.named_children} if params is not None else set()
    body = _text(node.child_by_field_name("value"))
    # Macro bodies are token soup, not C: every identifier may be a function, type, global or macro.
    words = set(_IDENT.findall(re.sub(r'"(\\.|[^"\\])*"', "", body))) - local - {name}
    unit.idents.update(words)
    unit.types.update(words)
    return unit


def extract_units(source: bytes, path: str) -> CFile:
    """The file-scope units and quoted includes of one C source or header."""
    tree = parse_c(source)
    captures = QueryCursor(c_query("units")).captures(tree.root_node)
    units: list[CUnit] = []
    builders = {
        "function": _function_unit,
        "declaration": _declaration_unit,
        "typedef": _typedef_unit,
        "macro": _macro_unit,
    }
    for capture, build in builders.items():
        for node in captures.get(capture, []):
            if capture != "macro" and not _file_scope(node):
                continue
            unit = build(node, path)
            if unit is not None:
                units.append(unit)
    for capture in ("struct", "union", "enum"):  # bare `struct S {...};` at file scope
        for node in captures.get(capture, []):
            if node.parent is not None and (
                node.parent.type == "translation_unit" or node.parent.type in _CONDITIONALS
            ):
                tags, enumerators = _type_parts(node)
                unit = _unit(capture, tags[0], node, path, defines=enumerators, tags=tags)
                collect_references(unit, node, exclude=set(enumerators))
                units.append(unit)
    includes = [_text(n).strip('"') for n in captures.get("include", []) if n.type == "string_literal"]
    units.sort(key=lambda u: (u.start_line, u.kind))
    return CFile(path=path, units=merge_alternatives(units), includes=includes)


def merge_alternatives(units: list[CUnit]) -> list[CUnit]:
    """One unit per (kind, name) in a file: `#ifdef`/`#else` branches become alternatives of the first."""
    seen: dict[tuple[str, str], CUnit] = {}
    merged: list[CUnit] = []
    for unit in units:
        key = (
            "type"
            if unit.kind != "macro" and unit.kind != "function" and unit.kind != "global"
            else unit.kind,
            unit.name,
        )
        first = seen.get(key)
        if first is None:
            seen[key] = unit
            merged.append(unit)
            continue
        first.alternatives.append((unit.start_line, unit.end_line))
        first.source += "\n" + unit.source
        for attr in ("calls", "idents", "types", "tag_refs"):
            getattr(first, attr).update(getattr(unit, attr))
        first.defines += [d for d in unit.defines if d not in first.defines]
    return merged
