"""`repowright config show`: the effective settings, where each comes from, and what it means."""

from __future__ import annotations

import typer

from .common import JSON_OPTION_HELP, console, emit_json

app = typer.Typer(
    help="Show the effective configuration.\n\nExample: repowright config show --json", no_args_is_help=True
)


@app.command("show")
def show(as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP)) -> None:
    """Print every section's values (flags > REPOWRIGHT_<SECTION>_<FIELD> > user config > repowright.toml >
    defaults) with where each came from and what it means; the API key masked.

    Example: repowright config show --json
    """
    from ..config import explain_settings, find_config_file, user_config_file
    from ..config_sections import SECTIONS

    settings, sources = explain_settings()
    data = settings.masked()
    path, user = find_config_file(), user_config_file()
    user_file = str(user) if user.is_file() else None
    if as_json:
        emit_json(
            {
                "config_file": str(path) if path else None,
                "user_config_file": user_file,
                **data,
                "sources": {s: {f: sources.get((s, f), "default") for f in data[s]} for s in data},
            }
        )
        return
    console.print(
        f"user config: {user_file or f'(none; create {user} for endpoint and sandbox choices)'}",
        highlight=False,
    )
    console.print(f"repository config: {path or '(none found)'} (may only tighten limits)", highlight=False)
    for section, values in data.items():
        console.print(f"[bold]\\[{section}][/]")
        fields = SECTIONS[section].model_fields
        for key, value in values.items():
            source = sources.get((section, key), "default")
            console.print(f"  # {fields[key].description}  [{source}]", highlight=False, markup=False)
            console.print(f"  {key} = {value!r}", highlight=False, markup=False)
