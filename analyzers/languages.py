"""Which language a file is in, and its tree-sitter grammar and tag query (loaded once per process)."""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path

from tree_sitter import Language, Parser, Query

QUERY_DIR = Path(__file__).parent / "queries"

EXTENSIONS: dict[str, str] = {
    ".py": "python",
    ".pyi": "python",
    ".c": "c",
    ".h": "c",
    ".cc": "cpp",
    ".cpp": "cpp",
    ".cxx": "cpp",
    ".hpp": "cpp",
    ".hh": "cpp",
    ".hxx": "cpp",
    ".rs": "rust",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".go": "go",
    ".java": "java",
}

# Grammar for each language; tsx shares the TypeScript queries.
_QUERY_LANGUAGE = {"tsx": "typescript"}


def language_of(path: str) -> str | None:
    """The language name for a repo-relative path, or None when we have no grammar for it."""
    dot = path.rfind(".")
    return EXTENSIONS.get(path[dot:].lower()) if dot >= 0 else None


_WHEELS = {
    "python": ("tree_sitter_python", "language"),
    "c": ("tree_sitter_c", "language"),
    "cpp": ("tree_sitter_cpp", "language"),
    "rust": ("tree_sitter_rust", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "go": ("tree_sitter_go", "language"),
    "java": ("tree_sitter_java", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
}


@cache
def grammar(lang: str) -> Language:
    """The tree-sitter Language object for `lang` from its grammar wheel."""
    module, function = _WHEELS[lang]
    return Language(getattr(importlib.import_module(module), function)())


@cache
def parser(lang: str) -> Parser:
    return Parser(grammar(lang))


@cache
def tag_query(lang: str) -> Query:
    """The compiled `queries/<lang>/tags.scm` for `lang`."""
    name = _QUERY_LANGUAGE.get(lang, lang)
    return Query(grammar(lang), (QUERY_DIR / name / "tags.scm").read_text())
