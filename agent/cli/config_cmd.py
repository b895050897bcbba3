"""`repowright config show`: the effective settings and where they come from."""

from __future__ import annotations

import typer

from ..config import find_config_file, load_settings
from .common import JSON_OPTION_HELP, console, emit_json

app = typer.Typer(help="Show the effective configuration.", no_args_is_help=True)


@app.command("show")
def show(as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP)) -> None:
    """Print the effective values (flags > REPOWRIGHT_* > repowright.toml > defaults), API key masked."""
    data = load_settings().masked()
    path = find_config_file()
    if as_json:
        emit_json({"config_file": str(path) if path else None, **data})
        return
    console.print(f"config file: {path or '(none found; defaults and REPOWRIGHT_* variables apply)'}")
    for section, values in data.items():
        console.print(f"[bold]\\[{section}][/]")
        for key, value in values.items():
            console.print(f"  {key} = {value!r}")
