"""Shared pieces of the command line: the console, JSON output, verbosity, settings from flags."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from rich.console import Console

from ..config import Settings, load_settings

console = Console(stderr=False)
err_console = Console(stderr=True)
state = {"verbose": False}

JSON_OPTION_HELP = "Print machine-readable JSON on stdout instead of the human summary."


def set_verbose(verbose: bool) -> None:
    state["verbose"] = verbose
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s", stream=sys.stderr)


def emit_json(data: Any) -> None:
    """Write `data` as JSON on stdout (plain print: no rich markup or wrapping)."""
    print(json.dumps(data, indent=2, default=str))


def settings_from_flags(**flags: Any) -> Settings:
    """Settings with the given flags (None means not given) placed over environment and file."""
    sections: dict[str, dict[str, Any]] = {}
    for key, value in flags.items():
        if value is None:
            continue
        section, _, field = key.partition("__")
        sections.setdefault(section, {})[field] = value
    return load_settings(sections)
