"""Read an API's documentation without importing it: signature lines, parameter blocks, `:attr:` prose."""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass, field

# Section headers that open a parameter block (Google style and torch's own spellings).
PARAM_HEADERS = re.compile(
    r"^\s*(Args|Arguments|Parameters|Params|Keyword args|Keyword arguments|Kwargs)\s*:\s*$", re.IGNORECASE
)
NUMPY_HEADER = re.compile(r"^\s*(Parameters|Other Parameters)\s*$")
NUMPY_RULE = re.compile(r"^\s*-{3,}\s*$")
# Any other header ends a parameter block.
OTHER_HEADER = re.compile(
    r"^\s*(Returns?|Yields?|Examples?|Example::|Shape|Notes?|Warnings?|Raises|See also|"
    r"Reference|References|Attributes|Outputs?)\s*:{0,2}\s*$",
    re.IGNORECASE,
)
# `name (type): description` or `name: description`; `*tensors` and `**kwargs` allowed.
ENTRY = re.compile(
    r"^(?P<name>\*{0,2}[A-Za-z_][A-Za-z0-9_]*)\s*(?:\((?P<type>[^)]*(?:\([^)]*\)[^)]*)*)\))?\s*:"
    r"\s?(?P<desc>.*)$"
)
SIGNATURE_LINE = re.compile(
    r"^\s*(?:\.\. function::\s*)?(?:[\w.]+\.)?(?P<name>\w+)\((?P<params>.*)\)\s*(->.*)?$"
)
ATTR_SENTENCE = re.compile(r":attr:`(?P<name>\w+)`")


@dataclass(frozen=True)
class SigParam:
    """One parameter of a signature: name, default (source text, None if required), annotation, keyword-only."""

    name: str
    default: str | None = None
    annotation: str | None = None
    keyword_only: bool = False
    variadic: bool = False


@dataclass
class ParamDoc:
    """What the documentation says about one parameter."""

    name: str
    type_text: str = ""
    description: str = ""
    prose: list[str] = field(default_factory=list)  # sentences elsewhere naming it with :attr:


@dataclass
class ApiDoc:
    """An API's name, its signature text and its docstring: the whole input of constraint extraction."""

    name: str
    signature: str
    doc: str


def parse_signature(text: str) -> list[SigParam]:
    """Parameters of a `(a, b=1, *, out=None)` parameter list or a `name(...) -> T` line; [] if unparsable."""
    text = text.strip()
    match = SIGNATURE_LINE.match(text)
    params = match.group("params") if match else text.strip("()")
    params = re.sub(r"\)\s*->.*$", "", params) if not match and "->" in params else params
    try:
        tree = ast.parse(f"def _f({params}): pass")
    except SyntaxError:
        return _parse_loose(params)
    fn = tree.body[0]
    assert isinstance(fn, ast.FunctionDef)
    args = fn.args
    out: list[SigParam] = []
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for arg, default in zip(positional, defaults, strict=True):
        out.append(SigParam(arg.arg, _src(default), _src(arg.annotation)))
    if args.vararg:
        out.append(SigParam(args.vararg.arg, None, _src(args.vararg.annotation), variadic=True))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        out.append(SigParam(arg.arg, _src(default), _src(arg.annotation), keyword_only=True))
    return out


def _parse_loose(params: str) -> list[SigParam]:
    """Documented signatures Python cannot parse (`arange(start=0, end, step=1)`): split on top-level commas."""
    out: list[SigParam] = []
    depth, part, parts = 0, "", []
    for char in params:
        depth += char in "([{" and 1 or 0
        depth -= char in ")]}" and 1 or 0
        if char == "," and depth == 0:
            parts.append(part)
            part = ""
        else:
            part += char
    parts.append(part)
    keyword_only = False
    for raw in (p.strip() for p in parts):
        if raw == "*":
            keyword_only = True
            continue
        name, _, default = raw.partition("=")
        name, _, annotation = name.partition(":")
        name = name.strip().lstrip("*")
        if not name.isidentifier():
            return []
        out.append(SigParam(name, default.strip() or None, annotation.strip() or None, keyword_only))
    return out


def _src(node: ast.AST | None) -> str | None:
    return None if node is None else ast.unparse(node)


def signatures_in_doc(name: str, doc: str) -> list[str]:
    """Signature lines a C-bound docstring starts with, plus its `.. function::` alternatives."""
    short = name.rsplit(".", 1)[-1]
    found = []
    for line in doc.splitlines():
        match = SIGNATURE_LINE.match(line)
        if (
            match
            and match.group("name") == short
            and (line.strip().startswith(short) or "function::" in line)
        ):
            found.append(line.strip().removeprefix(".. function::").strip())
    return found


def merged_signature(signatures: list[str]) -> list[SigParam]:
    """The union of the parameters of several overloads, in first-seen order (first default wins)."""
    merged: dict[str, SigParam] = {}
    for sig in signatures:
        for param in parse_signature(sig):
            merged.setdefault(param.name, param)
    return list(merged.values())


def param_docs(doc: str, names: list[str] | None = None) -> dict[str, ParamDoc]:
    """Parameter entries from every Args/Keyword args/numpydoc block, plus prose sentences per parameter
    (`names`, the signature's parameters, may gather prose without having an entry)."""
    lines = textwrap.dedent(_dedent_tail(doc)).splitlines()
    entries: dict[str, ParamDoc] = {}
    body: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        numpy = NUMPY_HEADER.match(line) and i + 1 < len(lines) and NUMPY_RULE.match(lines[i + 1])
        if PARAM_HEADERS.match(line) or numpy:
            i = _read_block(lines, i + (2 if numpy else 1), _indent(line), entries, numpy=bool(numpy))
            continue
        body.append(line)
        i += 1
    _attach_shape_section(lines, entries)
    documented = set(entries)
    for name in names or []:
        entries.setdefault(name, ParamDoc(name))
    _attach_prose("\n".join(body), entries)
    for name in list(entries):
        if name not in documented and not entries[name].prose and not entries[name].description:
            del entries[name]
    return entries


SHAPE_ITEM = re.compile(
    r"^\s*-\s*(?P<name>\w+)\s*:\s*(?P<desc>.*)$"
    r"|^\s*-\s*:attr:`(?P<attr>\w+)`\s*(?:\([^)]*\))?\s*:\s*(?P<attr_desc>.*)$"
)


def _attach_shape_section(lines: list[str], entries: dict[str, ParamDoc]) -> None:
    """`Shape:` blocks (`- Input: (N, C)`) describe tensor parameters; add them as `tensor of shape ...`."""
    inside = False
    for i, line in enumerate(lines):
        if re.match(r"^\s*Shape\s*:\s*$", line):
            inside = True
            continue
        if inside and OTHER_HEADER.match(line):
            inside = False
        match = SHAPE_ITEM.match(line) if inside else None
        if match:
            name = match.group("attr") or match.group("name").lower()
            if name in ("output", "out"):
                continue
            desc = (match.group("attr_desc") or match.group("desc") or "").strip()
            # a `:math:` shape broken over lines ends where its backtick does
            for more in lines[i + 1 : i + 4]:
                if desc.count("`") % 2 == 0 or SHAPE_ITEM.match(more):
                    break
                desc += " " + more.strip()
            entry = entries.setdefault(name, ParamDoc(name))
            entry.description = (entry.description + f" Tensor of shape {desc}").strip()


def _dedent_tail(doc: str) -> str:
    """Docstrings whose first line is flush and the rest indented: dedent the rest as a whole."""
    first, _, rest = doc.partition("\n")
    return first + "\n" + textwrap.dedent(rest)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _read_block(
    lines: list[str], start: int, header_indent: int, entries: dict[str, ParamDoc], *, numpy: bool
) -> int:
    """Read entries until the block ends (a dedent to the header, another header); return the next line."""
    entry_indent: int | None = None
    current: ParamDoc | None = None
    i = start
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        indent = _indent(line)
        if (
            indent < header_indent
            or (indent == header_indent and not numpy)
            or OTHER_HEADER.match(line)
            or PARAM_HEADERS.match(line)
            or (
                line.strip().startswith(".. ")
                and indent <= header_indent + 4
                and entry_indent is not None
                and indent <= entry_indent
            )
        ):
            break
        if numpy and indent == header_indent and NUMPY_RULE.match(lines[i + 1] if i + 1 < len(lines) else ""):
            break
        entry = _numpy_entry(line) if numpy else ENTRY.match(line.strip())
        if entry and (entry_indent is None or indent <= entry_indent):
            entry_indent = indent
            name = entry.group("name").lstrip("*")
            current = entries.setdefault(name, ParamDoc(name))
            current.type_text = current.type_text or (entry.group("type") or "").strip()
            current.description = (current.description + " " + entry.group("desc").strip()).strip()
        elif current is not None:
            current.description = (current.description + " " + line.strip()).strip()
        i += 1
    return i


NUMPY_ENTRY = re.compile(r"^\s*(?P<name>\*{0,2}[A-Za-z_]\w*)\s*:\s*(?P<type>.*)$")


def _numpy_entry(line: str) -> re.Match[str] | None:
    match = NUMPY_ENTRY.match(line)
    if match is None:
        return None
    # numpydoc puts the type after the colon and the description on following lines
    return re.match(r"^(?P<name>\*{0,2}\w+)\s*:\s*(?P<type>.*?)(?P<desc>)$", line.strip())


def _attach_prose(doc: str, entries: dict[str, ParamDoc]) -> None:
    """Sentences outside the parameter entries that name a parameter with :attr:`name`."""
    previous: set[str] = set()
    pieces = [piece for sentence in sentences(doc) for piece in re.split(r"\s[*-]\s(?=:attr:)", sentence)]
    for sentence in pieces:
        named = {m.group("name") for m in ATTR_SENTENCE.finditer(sentence)}
        if not named and len(previous) == 1 and re.match(r"(?:It|This)\b", sentence):
            named = set(
                previous
            )  # `:attr:`padding` controls ... It can be either a string {'valid', 'same'}`
        previous = named
        named |= {m.group(1) for m in re.finditer(r"\bthe (\w+) argument\b", sentence)}
        if re.search(r"\binputs? (?:are|is) (?:expected|supported|required)|\bexpected inputs\b", sentence):
            named.add("input")
        for name in named:
            entry = entries.get(name)
            if entry is not None and sentence not in entry.prose and sentence not in entry.description:
                entry.prose.append(sentence.strip())


def sentences(text: str) -> list[str]:
    """Split a description into sentences (a period followed by space and not inside `e.g.`)."""
    text = re.sub(r"\s+", " ", text).strip()
    parts = re.split(
        r"(?<!e\.g)(?<!i\.e)(?<!w\.r\.t)(?<=[.;])\s+(?=[A-Z`:'(])|\s+(?=\.\. \w+::)|(?<=::)\s+", text
    )
    return [p.strip() for p in parts if p.strip()]
