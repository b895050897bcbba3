"""Expand file-scope invocations of macros that define functions (`DEFINE_GETTER(x)`), so their
functions become units. Only such invocations are touched; everything else stays as written.

The expansion is written on the invocation's first line and padded with newlines, so line numbers
in the rest of the file are unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .c_units import CUnit, parse_c


@dataclass(frozen=True)
class FunctionMacro:
    """A function-like macro whose body holds a function definition."""

    name: str
    params: tuple[str, ...]
    body: str


def function_macros(units: list[CUnit]) -> dict[str, FunctionMacro]:
    """The macros among `units` that expand to at least one function definition."""
    found: dict[str, FunctionMacro] = {}
    for unit in units:
        if unit.kind != "macro":
            continue
        match = re.match(r"\s*#\s*define\s+(\w+)\(([^)]*)\)\s*(.*)", unit.source.split("\n#")[0], re.S)
        if not match or "{" not in match.group(3):
            continue
        params = tuple(p.strip() for p in match.group(2).split(",") if p.strip())
        body = match.group(3).replace("\\\n", " ").strip()
        macro = FunctionMacro(match.group(1), params, body)
        if _defines_function(expand(macro, ["x"] * len(params))):
            found[macro.name] = macro
    return found


def _defines_function(text: str) -> bool:
    root = parse_c(text.encode()).root_node
    return not root.has_error and any(c.type == "function_definition" for c in root.named_children)


def split_arguments(text: str) -> list[str]:
    """Top-level comma-separated arguments of a macro call (the text between its parentheses)."""
    args: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch == "," and depth == 0:
            args.append("".join(current).strip())
            current = []
            continue
        depth += ch in "([{"
        depth -= ch in ")]}"
        current.append(ch)
    args.append("".join(current).strip())
    return [] if args == [""] else args


def expand(macro: FunctionMacro, args: list[str]) -> str:
    """The macro body with `#p` stringized, `a ## b` pasted and parameters replaced."""
    values = dict(zip(macro.params, args, strict=False))

    def stringize(m: re.Match) -> str:
        return '"' + values[m.group(1)].replace("\\", "\\\\").replace('"', '\\"') + '"'

    body = re.sub(
        r"(?<!#)#\s*(\w+)", lambda m: stringize(m) if m.group(1) in values else m.group(0), macro.body
    )
    body = re.sub(r"\b(\w+)\b", lambda m: values.get(m.group(1), m.group(1)), body)
    return re.sub(r"\s*##\s*", "", body)


def _closing_paren(text: str, start: int) -> int:
    depth = 0
    for i in range(start, len(text)):
        depth += text[i] == "("
        depth -= text[i] == ")"
        if depth == 0:
            return i
    return -1


def expand_function_macros(source: str, macros: dict[str, FunctionMacro]) -> tuple[str, dict[int, str]]:
    """The source with file-scope calls of `macros` expanded, and {line: macro name} of each expansion."""
    if not macros:
        return source, {}
    pattern = re.compile(r"^[ \t]*(" + "|".join(map(re.escape, macros)) + r")[ \t]*\(", re.M)
    root = parse_c(source.encode()).root_node
    pieces, lines, pos = [], {}, 0
    for match in pattern.finditer(source):
        if match.start() < pos or _inside_function(root, source, match.start(1)):
            continue
        close = _closing_paren(source, match.end() - 1)
        if close < 0:
            continue
        macro = macros[match.group(1)]
        args = split_arguments(source[match.end() : close])
        if len(args) != len(macro.params):
            continue
        end = close + 1
        if source[end : end + 1] == ";":
            end += 1
        original = source[match.start() : end]
        pieces += [source[pos : match.start()], expand(macro, args) + "\n" * original.count("\n")]
        lines[source.count("\n", 0, match.start()) + 1] = macro.name
        pos = end
    pieces.append(source[pos:])
    return "".join(pieces), lines


def _inside_function(root, source: str, offset: int) -> bool:
    byte = len(source[:offset].encode())
    node = root.descendant_for_byte_range(byte, byte)
    while node is not None:
        if node.type == "compound_statement":
            return True
        node = node.parent
    return False


# Bodies a "decorator" macro may have: storage classes, qualifiers, attributes, or nothing.
_DECORATOR_BODY = re.compile(
    r"^(?:\s|extern|static|inline|__inline__|__inline|const|volatile|register|"
    r"__attribute__\s*\(\(.*\)\)|__declspec\s*\([^)]*\))*$"
)


def decorator_macros(units: list[CUnit]) -> dict[str, str]:
    """Object-like macros that only decorate declarations (`#define NORETURN __attribute__((noreturn))`,
    `#define BZ_EXTERN extern`): name -> the body of their first definition.

    tree-sitter does not expand macros, and `void f(int) NORETURN;` then reads as the start of a K&R
    definition that swallows the next items; substituting the body keeps the parse (and lines) right.
    """
    found: dict[str, str] = {}
    for unit in units:
        if unit.kind != "macro":
            continue
        match = re.match(r"\s*#\s*define\s+(\w+)(?!\()(.*)", unit.source.split("\n#")[0])
        if match and _DECORATOR_BODY.match(match.group(2).replace("\\\n", " ").strip()):
            found.setdefault(match.group(1), " ".join(match.group(2).split()))
    return found


def substitute_decorators(source: str, decorators: dict[str, str]) -> str:
    """`source` with decorator macros replaced by their bodies, outside preprocessor lines."""
    if not decorators:
        return source
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, decorators)) + r")\b")
    lines = source.split("\n")
    return "\n".join(
        line if line.lstrip().startswith("#") else pattern.sub(lambda m: decorators[m.group(1)], line)
        for line in lines
    )
