"""What an issue text points at, without a model: stack-trace frames, file paths, dotted names, identifiers.

Each signal is matched against the knowledge graph by the relevance scorer; here we only read the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Python tracebacks, JS/Java "at f (path:line)" frames, and bare path:line mentions.
_PY_FRAME = re.compile(r'File "([^"]+)", line (\d+), in ([\w<>.]+)')
# A traceback's header, frame lines and the source line printed under each frame: counted through the frames.
_FRAME_SOURCE = re.compile(
    r'Traceback \(most recent call last\):|File "[^"]+", line \d+, in [\w<>.]+[^\n]*\n([ \t]+[^\n]*)?'
)
_AT_FRAME = re.compile(r"at ([\w$.<>]+) \(?([\w./\\-]+\.\w+):(\d+)")
_PATH = re.compile(
    r"(?<![\w/.-])((?:[\w.-]+/)*[\w.-]+\.(?:py|pyi|c|h|cc|cpp|hpp|rs|js|jsx|ts|tsx|go|java|cfg|toml))\b"
)
_CODE = re.compile(r"```.*?```|`[^`\n]+`", re.S)
_DOTTED = re.compile(r"\b([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)\b")
_IDENT = re.compile(r"\b([A-Za-z_]\w*)\b")
# Quoted strings, and the message after "SomeError: " (what a user pastes from an error), to find verbatim.
_QUOTED = re.compile(r"""(?<![\w'"])(?:'([^'\n]{4,120})'|"([^"\n]{4,120})")""")
_ERROR_MESSAGE = re.compile(r"\b\w*(?:Error|Exception|Warning): ([^\n]{6,160})")
_CAMEL = re.compile(r"^[A-Z][a-z0-9]+[A-Z]\w*$|^[a-z]+[A-Z]\w*$")
COMMON = frozenset(
    """self cls none true false print import from return def class if else for while in is not and or
with as try except raise pass lambda yield assert del global nonlocal async await str int float list dict set tuple
bool object type len range open file error exception the this that python version example code issue bug""".split()
)


@dataclass
class Frame:
    path: str
    line: int
    function: str


@dataclass
class IssueSignals:
    """Signals read from one issue text, each list in order of first appearance without repeats."""

    frames: list[Frame] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    dotted: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    code_identifiers: list[str] = field(default_factory=list)
    literals: list[str] = field(default_factory=list)


def _add(items: list[str], value: str) -> None:
    if value not in items:
        items.append(value)


def _looks_like_code(name: str) -> bool:
    """snake_case, CamelCase, dunder or ALLCAPS names are code; plain English words are not."""
    return (
        "_" in name.strip("_")
        or bool(_CAMEL.match(name))
        or name.startswith("__")
        or (name.isupper() and len(name) > 2)
    )


def read_signals(text: str) -> IssueSignals:
    """Extract frames, file paths, dotted names and identifiers (code spans first) from an issue."""
    out = IssueSignals()
    for path, line, func in _PY_FRAME.findall(text):
        out.frames.append(Frame(path.replace("\\", "/"), int(line), func))
    for func, path, line in _AT_FRAME.findall(text):
        out.frames.append(Frame(path.replace("\\", "/"), int(line), func.rpartition(".")[2]))
    for path in _PATH.findall(text):
        if not re.fullmatch(r"[\d.]+\.\w+", path):  # skip version numbers like 1.2.py
            _add(out.paths, path.replace("\\", "/").lstrip("./"))
    text = _FRAME_SOURCE.sub("", text)
    for message in _ERROR_MESSAGE.findall(text):
        wording = re.split(r"""['"`{<(]|\. """, message)[
            0
        ].strip()  # quoted values vary; the wording does not
        if len(wording) >= 6:
            _add(out.literals, wording)
    for single, double in _QUOTED.findall(text):
        _add(out.literals, single or double)
    code = " ".join(_CODE.findall(text))
    for source, is_code in ((code, True), (text, False)):
        for dotted in _DOTTED.findall(source):
            if not re.fullmatch(r"[\w]+\.(py|txt|md|rst|html|com|org|io)", dotted):
                _add(out.dotted, dotted)
        for ident in _IDENT.findall(source):
            if len(ident) < 3 or ident.lower() in COMMON or ident.isdigit():
                continue
            if is_code:
                _add(out.code_identifiers, ident)
            if is_code or _looks_like_code(ident):
                _add(out.identifiers, ident)
    return out
