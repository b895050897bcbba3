"""Safety figures of Rust code, counted with tree-sitter-rust: unsafe blocks and functions, raw-pointer
dereferences, `static mut` items and their uses.

A dereference counts as a raw-pointer dereference when it sits in an unsafe block or function: safe
Rust cannot dereference a raw pointer, so derefs outside unsafe code are of references and boxes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

import tree_sitter_rust
from tree_sitter import Language, Node, Parser, Query, QueryCursor

QUERY = Path(__file__).parent / "queries" / "rust" / "safety.scm"


@dataclass
class RustSafety:
    """Counts over one or more Rust files."""

    lines: int = 0
    functions: int = 0
    unsafe_blocks: int = 0
    unsafe_functions: int = 0
    raw_pointer_derefs: int = 0
    raw_pointer_types: int = 0
    static_mut_items: int = 0
    static_mut_uses: int = 0

    def add(self, other: RustSafety) -> None:
        for key, value in asdict(other).items():
            setattr(self, key, getattr(self, key) + value)

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


@cache
def _language() -> Language:
    return Language(tree_sitter_rust.language())


@cache
def _query() -> Query:
    return Query(_language(), QUERY.read_text())


def _in_unsafe(node: Node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type == "unsafe_block":
            return True
        if parent.type == "function_item":
            modifiers = [c for c in parent.children if c.type == "function_modifiers"]
            return any("unsafe" in (m.text or b"").decode() for m in modifiers)
        parent = parent.parent
    return False


def _macro_derefs(root: Node) -> list[Node]:
    """`*x` written inside macro arguments (`println!("{}", *p)`), which tree-sitter keeps as tokens."""
    found = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "token_tree":
            kids = node.children
            for i in range(1, len(kids) - 1):
                if (
                    kids[i].type == "*"
                    and kids[i - 1].type in (",", "(")
                    and kids[i + 1].type == "identifier"
                ):
                    found.append(kids[i])
        stack.extend(node.children)
    return found


def rust_safety(source: str) -> RustSafety:
    """The safety figures of one Rust source file."""
    root = Parser(_language()).parse(source.encode()).root_node
    captures = QueryCursor(_query()).captures(root)
    statics = {(n.text or b"").decode() for n in captures.get("static_mut", [])}
    uses = 0
    if statics:
        stack = [root]
        while stack:
            node = stack.pop()
            parent = node.parent
            if (
                node.type == "identifier"
                and (node.text or b"").decode() in statics
                and parent is not None
                and parent.type != "static_item"
            ):
                uses += 1
            stack.extend(node.children)
    derefs = captures.get("deref", []) + _macro_derefs(root)
    functions = sum(1 for _ in _walk(root, "function_item"))
    return RustSafety(
        lines=source.count("\n") + (not source.endswith("\n") and bool(source)),
        functions=functions,
        unsafe_blocks=len(captures.get("unsafe.block", [])),
        unsafe_functions=len(captures.get("unsafe.function", [])),
        raw_pointer_derefs=sum(1 for n in derefs if _in_unsafe(n)),
        raw_pointer_types=len(captures.get("raw_pointer_type", [])),
        static_mut_items=len(statics),
        static_mut_uses=uses,
    )


def _walk(node: Node, kind: str):
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == kind:
            yield current
        stack.extend(current.children)


def crate_safety(crate_dir: Path) -> RustSafety:
    """The figures summed over every .rs file under the crate's src/."""
    total = RustSafety()
    for path in sorted((crate_dir / "src").rglob("*.rs")):
        total.add(rust_safety(path.read_text("utf-8", errors="replace")))
    return total
