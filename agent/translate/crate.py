"""The Rust crate being assembled: code per unit, composed in translation order into one `main.rs`.

Also the reply parsing (the ```rust block of a model reply) and the signatures of translated code
that later prompts carry, read with tree-sitter-rust.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from functools import cache
from pathlib import Path

import tree_sitter_rust
from tree_sitter import Language, Parser

_FENCE = re.compile(r"```(?:rust|rs)?[ \t]*\n(.*?)```", re.DOTALL)
# A crate without `main` yet (while translating bottom-up) still has to build: the entry point comes last.
PARTIAL_MAIN = "\n#[allow(dead_code)]\nfn main() {}\n"
# rustc's naming and unused-code lints are expected of C names and bottom-up composition; clippy's lints stay on,
# so the clippy metric counts what the translation really does.
HEADER = (
    "// Translated from C by repowright; one section per C unit, in dependency order.\n"
    "#![allow(dead_code, unused_imports, non_snake_case, non_upper_case_globals)]\n\n"
)


@cache
def _parser() -> Parser:
    return Parser(Language(tree_sitter_rust.language()))


def rust_block(reply: str) -> str:
    """The Rust code of a model reply: the longest fenced block, else the whole reply."""
    blocks = _FENCE.findall(reply)
    return (max(blocks, key=len) if blocks else reply).strip() + "\n"


def defines_main(code: str) -> bool:
    root = _parser().parse(code.encode()).root_node
    for item in root.named_children:
        name = item.child_by_field_name("name") if item.type == "function_item" else None
        if name is not None and name.text == b"main":
            return True
    return False


_NAMED_ITEMS = (
    "function_item",
    "struct_item",
    "enum_item",
    "type_item",
    "const_item",
    "static_item",
    "union_item",
    "trait_item",
)


# items a signature keeps whole: every named item but a function (its body is dropped), impls and uses
_KEPT_WHOLE = (*_NAMED_ITEMS[1:], "impl_item", "use_declaration")


def signatures(code: str) -> list[str]:
    """Item signatures of Rust code: function headers without bodies; types, consts and statics whole."""
    source = code.encode()
    root = _parser().parse(source).root_node
    out = []
    for item in root.named_children:
        if item.type == "function_item":
            body = item.child_by_field_name("body")
            end = body.start_byte if body is not None else item.end_byte
            out.append(source[item.start_byte : end].decode().strip() + ";")
        elif item.type in _KEPT_WHOLE:
            out.append(source[item.start_byte : item.end_byte].decode())
    return out


def item_names(code: str) -> set[str]:
    """Names of the top-level items Rust code defines."""
    root = _parser().parse(code.encode()).root_node
    names = set()
    for item in root.named_children:
        name = item.child_by_field_name("name") if item.type in _NAMED_ITEMS else None
        if name is not None and name.text:
            names.add(name.text.decode())
    return names


def drop_redefinitions(code: str, defined: set[str]) -> str:
    """`code` without top-level items already defined elsewhere in the crate (models often repeat the
    dependencies they were shown), so the crate does not fail on duplicate definitions."""
    source = code.encode()
    root = _parser().parse(source).root_node
    cuts = []
    for item in root.named_children:
        name = item.child_by_field_name("name") if item.type in _NAMED_ITEMS else None
        if name is not None and name.text and name.text.decode() in defined:
            start = item.start_byte
            prev = item.prev_named_sibling
            while (
                prev is not None
                and prev.type in ("attribute_item", "line_comment")
                and prev.end_byte <= start
            ):
                start = prev.start_byte  # its #[derive]s and doc comments go with it
                prev = prev.prev_named_sibling
            cuts.append((start, item.end_byte))
    for start, end in reversed(cuts):
        source = source[:start] + source[end:]
    return source.decode().strip() + "\n"


def compose_main(sections: list[tuple[str, str]]) -> str:
    """main.rs from (unit id, Rust code) in order; `use` lines go first, an empty main while none is translated yet."""
    uses: list[str] = []
    bodies = []
    for unit_id, code in sections:
        kept = []
        for line in code.splitlines():
            if line.startswith("use ") and line.rstrip().endswith(";"):
                if line not in uses:
                    uses.append(line)
            else:
                kept.append(line)
        bodies.append(f"// ---- {unit_id}\n" + "\n".join(kept).strip() + "\n")
    text = HEADER + "".join(u + "\n" for u in uses) + ("\n" if uses else "") + "\n".join(bodies)
    if not any(defines_main(code) for _, code in sections):
        text += PARTIAL_MAIN
    return text


def cargo_toml(name: str) -> str:
    return f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'


def crate_name(c_dir: Path) -> str:
    name = re.sub(r"[^a-z0-9_]", "_", c_dir.resolve().name.lower()) or "translated"
    return name if name[0].isalpha() else f"c_{name}"


def write_crate(dest: Path, name: str, main_rs: str) -> Path:
    """Write Cargo.toml and src/main.rs to `dest` (a temp dir first, then moved into place)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        (tmp / "src").mkdir()
        (tmp / "Cargo.toml").write_text(cargo_toml(name))
        (tmp / "src" / "main.rs").write_text(main_rs)
        if dest.exists():
            old = dest.with_name(f".{dest.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(dest, old)
            os.replace(tmp, dest)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # gone already when it was moved into place
    return dest
