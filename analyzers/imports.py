"""Turn the text of one import statement into import specs: (module, names, alias, level, star).

`names` is a list of [name, alias] for "from m import a as b" forms and None when the module itself is bound
(to `alias`, or to its first component for Python's `import a.b`). `level` counts leading dots of a Python
relative import; for C includes it is 1 for <system> headers.
"""

from __future__ import annotations

import re
from typing import Any

Spec = list[Any]
_COMMENT = re.compile(r"#[^\n]*|//[^\n]*|/\*.*?\*/", re.S)
_JS_SOURCE = re.compile(r"""(?:from\s*|require\s*\(\s*|import\s*\(?\s*)['"]([^'"]+)['"]""")


def parse_import(lang: str, text: str, node_type: str) -> list[Spec]:
    """Import specs for one import statement of `lang` (an empty list when it cannot be read)."""
    handler = _HANDLERS.get(lang)
    return handler(text, node_type) if handler else []


def _python(text: str, node_type: str) -> list[Spec]:
    text = " ".join(_COMMENT.sub(" ", text).replace("\\\n", " ").replace("(", " ").replace(")", " ").split())
    if text.startswith("import "):
        specs = []
        for part in text[7:].split(","):
            words = part.split()
            if words:
                specs.append(
                    [words[0], None, words[2] if len(words) == 3 and words[1] == "as" else None, 0, False]
                )
        return specs
    match = re.match(r"from\s+(\.*)\s*([\w.]*)\s+import\s+(.*)", text)
    if not match:
        return []
    level, module, rest = len(match.group(1)), match.group(2), match.group(3).strip()
    if rest == "*":
        return [[module, None, None, level, True]]
    names = []
    for part in rest.split(","):
        words = part.split()
        if words:
            names.append([words[0], words[2] if len(words) == 3 and words[1] == "as" else words[0]])
    return [[module, names, None, level, False]]


def _c(text: str, node_type: str) -> list[Spec]:
    match = re.search(r'#\s*include\s*([<"])([^>"]+)[>"]', text)
    return [[match.group(2), None, None, 1 if match.group(1) == "<" else 0, False]] if match else []


def _js(text: str, node_type: str) -> list[Spec]:
    source = _JS_SOURCE.search(text)
    if not source:
        return []
    module = source.group(1)
    head = text[: source.start()]
    head = re.sub(r"^\s*(import|export)\s+(type\s+)?", "", head).strip().rstrip(",").strip()
    head = re.sub(r"\s*from\s*$", "", head)
    names: list[list[str]] = []
    alias = None
    star = False
    braces = re.search(r"\{([^}]*)\}", head)
    if braces:
        for part in braces.group(1).split(","):
            words = part.replace("type ", "").split()
            if words:
                names.append([words[0], words[2] if len(words) == 3 and words[1] == "as" else words[0]])
        head = head[: braces.start()] + head[braces.end() :]
    for part in head.split(","):
        words = part.split()
        if len(words) == 3 and words[0] == "*":
            alias = words[2]
        elif len(words) == 1 and words[0] == "*":
            star = True
        elif len(words) == 1 and re.fullmatch(r"[\w$]+", words[0]):
            names.append(["default", words[0]])
    if node_type == "variable_declarator" or "require" in text[: source.start() + 12]:
        bound = re.match(r"\s*(?:const|let|var)?\s*([\w$]+)\s*=", text)
        alias = bound.group(1) if bound else None
        destructured = re.match(r"\s*(?:const|let|var)?\s*\{([^}]*)\}\s*=", text)
        if destructured:
            names = [
                [w.split(":")[0].strip(), w.split(":")[-1].strip()]
                for w in destructured.group(1).split(",")
                if w.strip()
            ]
    return [[module, names or None, alias, 0, star]]


def _go(text: str, node_type: str) -> list[Spec]:
    specs = []
    for match in re.finditer(r'(?:([\w.]+)\s+)?"([^"]+)"', _COMMENT.sub(" ", text)):
        name = match.group(1)
        alias = name if name and name not in (".", "_") else match.group(2).rstrip("/").rsplit("/", 1)[-1]
        specs.append([match.group(2), None, alias, 0, name == "."])
    return specs


def _java(text: str, node_type: str) -> list[Spec]:
    match = re.match(r"import\s+(static\s+)?([\w.]+)(\.\*)?\s*;", " ".join(_COMMENT.sub(" ", text).split()))
    if not match:
        return []
    path, star = match.group(2), bool(match.group(3))
    if match.group(1):
        module, _, name = path.rpartition(".")
        return [[path if star else module, None if star else [[name, name]], None, 0, star]]
    return [[path, None, None if star else path.rsplit(".", 1)[-1], 0, star]]


def _rust(text: str, node_type: str) -> list[Spec]:
    text = " ".join(_COMMENT.sub(" ", text).split())
    if node_type == "mod_item":
        match = re.match(r"(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", text)
        return [["self::" + match.group(1), None, match.group(1), 0, False]] if match else []
    match = re.match(r"(?:pub(?:\([^)]*\))?\s+)?use\s+(.*?);?$", text)
    if not match:
        return []
    return [
        [path, None, alias, 0, alias == "*"]
        for path, alias in _expand_use(match.group(1).rstrip(";").strip())
    ]


def _expand_use(tree: str, prefix: str = "") -> list[tuple[str, str]]:
    """Expand `a::{b, c::d as e}` into (path, bound name) pairs."""
    tree = tree.strip()
    brace = tree.find("{")
    if brace >= 0 and tree.endswith("}"):
        head = tree[:brace].rstrip(":").strip()
        inner, depth, parts, current = tree[brace + 1 : -1], 0, [], ""
        for ch in inner:
            depth += ch == "{"
            depth -= ch == "}"
            if ch == "," and depth == 0:
                parts.append(current)
                current = ""
            else:
                current += ch
        parts.append(current)
        base = f"{prefix}::{head}" if prefix and head else (head or prefix)
        return [pair for part in parts if part.strip() for pair in _expand_use(part, base)]
    path, _, alias = tree.partition(" as ")
    path = path.strip()
    full = f"{prefix}::{path}" if prefix else path
    if path == "self":
        full = prefix
    if path == "*":
        return [(prefix, "*")]
    return [(full, alias.strip() or full.rsplit("::", 1)[-1])]


_HANDLERS = {
    "python": _python,
    "c": _c,
    "cpp": _c,
    "javascript": _js,
    "typescript": _js,
    "tsx": _js,
    "go": _go,
    "java": _java,
    "rust": _rust,
}
