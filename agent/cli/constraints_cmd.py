"""`repowright constraints`: extract DocTer-style constraint records from an API's signature and docstring."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from ..errors import UserError
from .common import JSON_OPTION_HELP, console, emit_json, writable_dir

if TYPE_CHECKING:
    from repowright.analyzers.doc_constraints import ApiConstraints


def constraints(
    targets: list[str] = typer.Argument(
        ..., help="APIs or modules, e.g. torch.nn.functional.conv2d torch.nn.functional"
    ),
    out: Path = typer.Option(None, "--out", help="Write one YAML record per API into this directory."),
    library: str = typer.Option("torch", "--library", help="Library adapter to read the docs with (torch)."),
    model: bool = typer.Option(
        False,
        "--model",
        help="Also ask the configured model for constraints the rules "
        "miss (kept only when it quotes the documentation).",
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Print each API's parameters in DocTer's categories (dtype, structure/tensor_t, ndim/shape, range/enum,
    default); `--out` writes DocTer's YAML files. A module stands for every public function in it.

    Example: repowright constraints torch.nn.functional.dropout torch.gather
    """
    if any(not t.strip() for t in targets):
        raise UserError("an API name is empty; pass e.g. torch.nn.functional.conv2d or torch.nn.functional")
    from ..fuzz.adapters import library_adapter

    if out is not None:
        writable_dir(out, "--out")
    adapter = library_adapter(library)
    if model:
        from ..llm import llm_from_settings
        from .common import settings_from_flags as _settings

        adapter.llm = llm_from_settings(_settings())
    apis = adapter.enumerate_many(targets)
    records = [adapter.constraints(api) for api in apis]
    docs = [docter_file(record, library, adapter.version()) for record in records]
    if out is not None:
        write_records(docs, out)
    if as_json:
        emit_json(
            [
                {
                    "api": d["title"],
                    "signature": r.signature,
                    "params": d["constraints"],
                    "inputs": d["inputs"],
                    **({"dependency": d["dependency"]} if "dependency" in d else {}),
                }
                for r, d in zip(records, docs, strict=True)
            ]
        )
        return
    for record, doc in zip(records, docs, strict=True):
        console.print(summary_table(doc, record.signature))
    if out is not None:
        console.print(f"wrote {len(records)} DocTer record(s) to {out}", markup=False)


def docter_file(record: ApiConstraints, package: str, version: str) -> dict:
    """DocTer's YAML document for one API, plus `sources` (the sentence behind each constraint), which DocTer's
    own loader ignores like its other extra top-level keys."""
    from repowright.analyzers.docter_format import docter_record

    doc = docter_record(record, package=package, version=version)
    doc["sources"] = {n: dict(p.sources) for n, p in record.params.items() if p.sources}
    return doc


def write_records(records: list[dict], out: Path) -> None:
    """One `<api>.yaml` per record, each written to a temp file and moved into place."""
    import yaml

    from ..atomic import atomic_write

    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file; give a directory (it is created if missing)")
    out.mkdir(parents=True, exist_ok=True)
    for record in records:
        text = yaml.safe_dump(record, sort_keys=False, width=120, allow_unicode=True)
        atomic_write(out / f"{record['title']}.yaml", text)


def summary_table(doc: dict, signature: str) -> Table:
    """One row per parameter, DocTer's categories as columns (`*` marks a required parameter)."""
    table = Table(
        title=escape(doc["title"]),
        title_justify="left",
        caption=escape(signature) or None,
        caption_justify="left",
    )
    for column in ("param", "dtype", "structure", "ndim / shape", "range / enum", "default"):
        table.add_column(column)
    required = set(doc["inputs"]["required"])
    for name, c in doc["constraints"].items():
        structure = ", ".join(c.get("structure", []) + c.get("tensor_t", []))
        ndim = ",".join(c.get("ndim", []))
        shape = " | ".join(c.get("shape", []))
        valid = ", ".join(c.get("range", []) + c.get("enum", []))
        cells = (
            name + (" *" if name in required else ""),
            ", ".join(c.get("dtype", [])),
            structure,
            " ".join(x for x in (ndim and f"ndim {ndim}", shape) if x),
            valid,
            str(c.get("default", "")),
        )
        table.add_row(*(escape(cell) for cell in cells))
    return table
