"""Extract one file's definitions, calls, bases, references and imports with tree-sitter (no cross-file work).

The result ("facts") is plain lists and strings so it can be cached per content hash and sent between processes.
Scopes are found by one sweep over definitions sorted by position, which keeps the per-call cost constant.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from hashlib import blake2b
from typing import Any

from tree_sitter import Node, QueryCursor

from .imports import parse_import
from .kinds import NodeKind
from .languages import parser, tag_query
from .python_ast import facts_from_ast

FACTS_VERSION = 4
MAX_TEXT = 200
_SPACE = re.compile(rb"\s+")
_QUOTES = re.compile(r"^[rRbBuUfF]*('''|\"\"\"|'|\")")


def _text(src: bytes, node: Node, limit: int = MAX_TEXT) -> str:
    return src[node.start_byte : min(node.end_byte, node.start_byte + limit * 4)].decode("utf-8", "replace")[
        :limit
    ]


def _first_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line[:MAX_TEXT]
    return ""


def _python_doc(node: Node, src: bytes) -> str:
    body = node if node.type == "module" else node.child_by_field_name("body")
    if body is None or body.named_child_count == 0:  # (named_children would build the whole list)
        return ""
    first = body.named_child(0)
    if first.type != "expression_statement" or first.named_child_count == 0:
        return ""
    string = first.named_child(0)
    if string.type != "string":
        return ""
    text = src[string.start_byte : min(string.end_byte, string.start_byte + 4000)].decode("utf-8", "replace")
    return _first_line(_QUOTES.sub("", text).rstrip("'\""))


def _comment_doc(node: Node, src: bytes) -> str:
    """The comment block right above a definition (C, Rust, Go, Java, JS/TS doc comments)."""
    prev = node.prev_named_sibling
    parent = node.parent
    if prev is None and parent is not None and parent.start_point.row == node.start_point.row:
        node, prev = parent, parent.prev_named_sibling  # Go type specs, exported declarations
    lines: list[str] = []
    row = node.start_point.row
    while prev is not None and "comment" in prev.type and prev.end_point.row >= row - 1:
        lines.insert(0, _text(src, prev, 2000))
        row = prev.start_point.row
        prev = prev.prev_named_sibling
    for text in lines:
        for line in text.splitlines():
            line = line.strip().lstrip("/*!#").strip().rstrip("*/").strip()
            if line:
                return line[:MAX_TEXT]
    return ""


def _signature(node: Node, src: bytes) -> str:
    body = node.child_by_field_name("body")
    end = body.start_byte if body is not None else node.end_byte
    raw = src[node.start_byte : min(end, node.start_byte + 2000)]
    return _SPACE.sub(b" ", raw).decode("utf-8", "replace").strip().rstrip(":{ ").strip()[:MAX_TEXT]


def extract_facts(src: bytes, lang: str) -> dict[str, Any]:
    """Parse `src` as `lang` and return its facts: defs, bases, calls, refs, imports, doc, errors."""
    tree = parser(lang).parse(src)
    root = tree.root_node
    if root.has_error and lang == "python":  # the grammar failed: Python's own parser may not
        fallback = facts_from_ast(src)
        if fallback is not None:
            return {**fallback, "lang": lang, "errors": False}
    defs: list[tuple[int, int, str, Node, str | None, Node]] = []  # start, end, kind, node, receiver, name
    points: list[tuple[int, str, str]] = []  # start, what, text
    imports: list[list[Any]] = []
    taken: set[tuple[int, int]] = set()  # spans of names, callees and bases
    refs_raw: list[tuple[int, int, str]] = []
    receiver_vars: dict[int, str] = {}  # name start -> receiver variable (Go methods)
    import_spans: list[tuple[int, int]] = []
    roles = _ROLES.setdefault(lang, {})
    for pattern, caps in QueryCursor(tag_query(lang)).matches(root):
        role = roles.get(pattern)
        if role is None:
            role = roles[pattern] = _role(caps)
        if role == "call":  # the hot case (most matches): _compact inlined
            callee = caps["callee"][0]
            start, end = callee.start_byte, callee.end_byte
            taken.add((start, end))
            raw = src[start:end] if end - start <= 4 * MAX_TEXT else src[start : start + 4 * MAX_TEXT]
            if b" " in raw or b"\n" in raw or b"\t" in raw:
                raw = _SPACE.sub(b"", raw)
            points.append((start, "call", raw.decode("utf-8", "replace")[:MAX_TEXT]))
        elif role == "ref":
            node = caps["ref"][0]
            parent = node.parent
            if parent is not None and parent.type in _MEMBER_ACCESS and parent.child(0) != node:
                continue  # `a.Name`: an attribute of something else, not the name `Name` in scope
            refs_raw.append((node.start_byte, node.end_byte, _text(src, node)))
        elif role.startswith("def.") or role == "scope":
            node = caps[role][0]
            name = caps["name"][0]
            taken.add((name.start_byte, name.end_byte))
            receiver = caps.get("receiver")
            if "receiver.var" in caps:
                receiver_vars[name.start_byte] = _text(src, caps["receiver.var"][0])
            defs.append(
                (
                    node.start_byte,
                    node.end_byte,
                    role,
                    node,
                    _text(src, receiver[0]) if receiver else None,
                    name,
                )
            )
            for base in caps.get("base", ()):  # bases captured together with their class (Rust impl)
                taken.add((base.start_byte, base.end_byte))
                points.append((base.start_byte, "base", _compact(src, base)))
        elif role == "callee.name":  # Java: object and method name are separate children
            callee = caps["callee.name"][0]
            obj = caps.get("callee.object")
            taken.add((callee.start_byte, callee.end_byte))
            text = f"{_compact(src, obj[0])}.{_text(src, callee)}" if obj else _text(src, callee)
            points.append((callee.start_byte, "call", text))
        elif role == "local":
            var = caps["local.var"][0]
            var_name = _text(src, var)
            if "local.self" in caps:  # an attribute of the instance: recorded as "self.x" / "this.x"
                var_name = f"{_text(src, caps['local.self'][0])}.{var_name}"
            points.append((var.start_byte, "local", f"{var_name}\x00{_compact(src, caps['local.type'][0])}"))
        elif role == "base":
            for base in caps["base"]:
                taken.add((base.start_byte, base.end_byte))
                points.append((base.start_byte, "base", _compact(src, base)))
        elif role == "import":
            node = caps["import"][0]
            import_spans.append((node.start_byte, node.end_byte))
            for spec in parse_import(lang, _text(src, node, 4000), node.type):
                imports.append([node.start_byte, node.start_point.row + 1, *spec])
    if lang in CAPITALISED_REFS:
        refs_raw.extend(_capitalised_identifiers(src, root))
    defs = _dedupe(defs)
    import_spans.sort()
    starts = [span[0] for span in import_spans]
    for start, end, text in refs_raw:
        at = bisect_right(starts, start) - 1
        if at >= 0 and import_spans[at][1] > start:
            continue  # a name inside an import statement is the import, not a use
        if (start, end) not in taken:
            points.append((start, "ref", text))
    facts = _sweep(src, lang, defs, points, imports, receiver_vars)
    facts["lang"] = lang
    facts["doc"] = _python_doc(root, src) if lang == "python" else ""
    facts["errors"] = bool(root.has_error)
    return facts


# In these languages a capitalised identifier (a class or constant by convention) is a reference. Matching
# `((identifier) @ref (#match? @ref "^[A-Z]"))` in the query visits every identifier and cost a quarter of the
# parse time; a regex over the source, confirmed by the tree, finds the same names several times faster.
CAPITALISED_REFS = {"python", "javascript", "typescript", "tsx"}
_CAPITALISED = re.compile(rb"\b[A-Z][A-Za-z0-9_]*")
_ROLES: dict[str, dict[int, str]] = {}
_MEMBER_ACCESS = {
    "attribute",
    "member_expression",
    "field_expression",
    "selector_expression",
    "scoped_identifier",
    "qualified_identifier",
    "scoped_type_identifier",
    "qualified_type",
    "field_access",
}


def _capitalised_identifiers(src: bytes, root: Node) -> list[tuple[int, int, str]]:
    """Capitalised identifiers (not inside strings or comments, not attribute names) with their spans.

    A word that falls in a leaf other than an identifier (a comment, a docstring's text) lets the scan jump to
    that leaf's end: no other word inside it can be an identifier."""
    out = []
    find = root.descendant_for_byte_range
    search = _CAPITALISED.search
    match = search(src)
    while match is not None:
        start, end = match.span()
        node = find(start, end)
        if node is None:
            match = search(src, end)
            continue
        if node.type != "identifier" or node.start_byte != start or node.end_byte != end:
            stop = node.end_byte
            match = search(src, stop if stop > end and node.child_count == 0 else end)
            continue
        parent = node.parent
        if parent is None or parent.type not in _MEMBER_ACCESS or parent.child(0) == node:
            out.append((start, end, match.group().decode()))
        match = search(src, end)
    return out


def _role(caps: dict[str, list[Node]]) -> str:
    """What a query pattern captures, from its capture names (computed once per pattern)."""
    for key in caps:
        if key.startswith("def.") or key == "scope":
            return key
    for key in ("callee", "callee.name", "import", "base", "ref", "local.var"):
        if key in caps:
            return {"callee": "call", "local.var": "local"}.get(key, key)
    return "other"


def _dedupe(defs: list) -> list:
    """One definition per name node: a function bound to a variable is a function, not also a variable."""
    best: dict[int, tuple] = {}
    for item in defs:
        key = item[5].start_byte
        if key not in best or (best[key][2] == "def.variable" and item[2] != "def.variable"):
            best[key] = item
    return list(best.values())


def _compact(src: bytes, node: Node) -> str:
    """A node's text without whitespace (callees and bases spread over lines), at most MAX_TEXT chars."""
    start, end = node.start_byte, node.end_byte
    raw = src[start:end] if end - start <= 4 * MAX_TEXT else src[start : start + 4 * MAX_TEXT]
    if b" " in raw or b"\n" in raw or b"\t" in raw:
        raw = _SPACE.sub(b"", raw)
    return raw.decode("utf-8", "replace")[:MAX_TEXT]


def _sweep(
    src: bytes, lang: str, defs: list, points: list, imports: list, receiver_vars: dict[int, str]
) -> dict[str, Any]:
    """Assign every call, base, reference and import to its innermost enclosing definition."""
    defs.sort(key=lambda d: (d[0], -d[1]))
    points.sort()
    imports.sort(key=lambda imp: imp[0])
    out_defs: list[list[Any]] = []
    calls: list[list[Any]] = []
    bases: list[list[str]] = []
    refs: set[tuple[str, str]] = set()
    out_imports: list[list[Any]] = []
    receivers: list[list[str]] = []
    local_types: list[list[str]] = []
    stack: list[tuple[int, str, str]] = []  # end byte, qualname, kind
    seen: dict[str, int] = {}
    line_pos, line_no = 0, 1  # points come in order: lines are counted incrementally
    big = 1 << 62
    defs.append((big, big, "", None, None, None))  # sentinels end each list
    points.append((big, "", ""))
    imports.append([big])
    di = pi = ii = 0
    scope = ""
    stack_end = big
    while True:
        limit = min(defs[di][0], imports[ii][0])
        # Points (calls, bases, references) up to the next definition or import: the hot loop.
        while points[pi][0] < limit:
            pos, what, text = points[pi]
            pi += 1
            if stack_end <= pos:
                while stack and stack[-1][0] <= pos:
                    stack.pop()
                scope = stack[-1][1] if stack else ""
                stack_end = stack[-1][0] if stack else big
            if what == "call":
                line_no += src.count(b"\n", line_pos, pos)
                line_pos = pos
                calls.append([scope, text, line_no])
            elif what == "base":
                bases.append([scope, text])
            elif what == "local":
                local_types.append([scope, *text.split("\x00", 1)])
            elif scope != text.rpartition(".")[2]:
                refs.add((scope, text))
        if limit == big:
            break
        while stack and stack[-1][0] <= limit:
            stack.pop()
        scope = stack[-1][1] if stack else ""
        if defs[di][0] == limit:
            start, end, kind, node, receiver, name_node = defs[di]
            di += 1
            name = _text(src, name_node)
            if "(" in name:  # a C++ conversion operator: "operator int() const" is named "operator int"
                name = name.split("(")[0].strip()
            parent_kind = stack[-1][2] if stack else ""
            qual = f"{receiver}.{name}" if receiver else (f"{scope}.{name}" if scope else name)
            if kind == "scope":
                stack.append((end, qual, NodeKind.CLASS))
            elif kind != "def.variable" or not stack:
                kind = kind[4:]
                if kind == NodeKind.FUNCTION and (receiver or parent_kind == NodeKind.CLASS):
                    kind = NodeKind.METHOD
                count = seen.get(qual, 0) + 1
                seen[qual] = count
                if count > 1:
                    qual = f"{qual}#{count}"
                doc = (
                    _python_doc(node, src)
                    if lang == "python" and kind != NodeKind.VARIABLE
                    else _comment_doc(node, src)
                )
                sig = _first_line(_text(src, node)) if kind == NodeKind.VARIABLE else _signature(node, src)
                digest = blake2b(src[start:end], digest_size=8).hexdigest()
                out_defs.append(
                    [
                        kind,
                        qual,
                        name,
                        node.start_point.row + 1,
                        node.end_point.row + 1,
                        sig,
                        doc,
                        digest,
                        receiver or (stack[-1][1] if stack else ""),
                    ]
                )
                if name_node.start_byte in receiver_vars:
                    receivers.append([qual, receiver_vars[name_node.start_byte]])
                stack.append((end, qual, NodeKind.CLASS if kind == NodeKind.CLASS else NodeKind.FUNCTION))
        else:
            out_imports.append([scope, *imports[ii][1:]])
            ii += 1
        scope = stack[-1][1] if stack else ""
        stack_end = stack[-1][0] if stack else big
    return {
        "defs": out_defs,
        "calls": calls,
        "bases": bases,
        "refs": sorted(refs),
        "imports": out_imports,
        "receivers": receivers,
        "locals": local_types,
    }
