"""`repowright constraints`: extract DocTer-style constraint records from an API's signature and docstring."""

from __future__ import annotations

from pathlib import Path

import typer
import yaml
from rich.table import Table

from ..atomic import atomic_write
from ..errors import UserError
from ..fuzz.adapters import library_adapter
from .common import JSON_OPTION_HELP, console, emit_json, writable_dir


def constraints(
    targets: list[str] = typer.Argument(..., help="APIs or modules, e.g. torch.nn.functional.conv2d torch.nn.functional"),
    out: Path = typer.Option(None, "--out", help="Write one YAML record per API into this directory."),
    library: str = typer.Option("torch", "--library", help="Library adapter to read the docs with (torch)."),
    model: bool = typer.Option(False, "--model", help="Also ask the configured model for constraints the rules "
                               "miss (kept only when it quotes the documentation)."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Print each API's parameters with dtype, structure, shape/ndim, range/enum and default, and the sentence
    each came from; a module stands for every public function in it.

    Example: repowright constraints torch.nn.functional.dropout torch.gather
    """
    if any(not t.strip() for t in targets):
        raise UserError("an API name is empty; pass e.g. torch.nn.functional.conv2d or torch.nn.functional")
    if out is not None:
        writable_dir(out, "--out")
    adapter = library_adapter(library)
    if model:
        from ..llm import llm_from_settings
        from .common import settings_from_flags as _settings

        adapter.llm = llm_from_settings(_settings())
    apis = adapter.enumerate_many(targets)
    records = [adapter.constraints(api).to_record() for api in apis]
    if out is not None:
        write_records(records, out)
    if as_json:
        emit_json([{"api": r["api"], "signature": r["signature"], "params": r["constraints"],
                    **({"dependency": r["dependency"]} if "dependency" in r else {})} for r in records])
        return
    for record in records:
        console.print(summary_table(record))
    if out is not None:
        console.print(f"wrote {len(records)} record(s) to {out}")


def write_records(records: list[dict], out: Path) -> None:
    """One `<api>.yaml` per record, each written to a temp file and moved into place."""
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file; give a directory (it is created if missing)")
    out.mkdir(parents=True, exist_ok=True)
    for record in records:
        text = yaml.safe_dump(record, sort_keys=False, width=120, allow_unicode=True)
        atomic_write(out / f"{record['api']}.yaml", text)


def summary_table(record: dict) -> Table:
    table = Table(title=record["api"], title_justify="left", caption=record["signature"] or None,
                  caption_justify="left")
    for column in ("param", "structure", "dtype", "ndim / shape", "range / enum", "default"):
        table.add_column(column)
    for name, c in record["constraints"].items():
        shape = " | ".join("(" + ", ".join(s) + ")" for s in c.get("shape", []))
        ndim = ",".join(map(str, c.get("ndim", [])))
        table.add_row(name + ("" if c.get("optional") else " *"), ", ".join(c.get("structure", [])),
                      ", ".join(c.get("dtype", [])), " ".join(x for x in (ndim and f"ndim {ndim}", shape) if x),
                      c.get("range") or ", ".join(c.get("enum", [])), str(c.get("default", "")))
    return table
