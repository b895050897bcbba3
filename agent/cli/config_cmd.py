"""`repowright config show`: the effective settings and where they come from."""

from __future__ import annotations

import typer

from .common import JSON_OPTION_HELP, console, emit_json

app = typer.Typer(
    help="Show the effective configuration.\n\nExample: repowright config show --json", no_args_is_help=True
)


@app.command("show")
def show(as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP)) -> None:
    """Print the effective values (flags > REPOWRIGHT_* > user config > repowright.toml > defaults), API key
    masked.

    Example: repowright config show --json
    """
    from ..config import find_config_file, load_settings, user_config_file

    data = load_settings().masked()
    path, user = find_config_file(), user_config_file()
    user_file = str(user) if user.is_file() else None
    if as_json:
        emit_json({"config_file": str(path) if path else None, "user_config_file": user_file, **data})
        return
    console.print(
        f"user config: {user_file or f'(none; create {user} for endpoint and sandbox choices)'}",
        highlight=False,
    )
    console.print(f"repository config: {path or '(none found)'} (may only tighten limits)", highlight=False)
    for section, values in data.items():
        console.print(f"[bold]\\[{section}][/]")
        for key, value in values.items():
            console.print(f"  {key} = {value!r}")
