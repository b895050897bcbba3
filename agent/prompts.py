"""Prompt templates: Jinja2 files in the `prompts` package, rendered with StrictUndefined."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

import repowright.prompts as _prompts_pkg

PROMPTS_DIR = Path(_prompts_pkg.__file__).parent


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(PROMPTS_DIR)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )


def render(name: str, **variables: Any) -> str:
    """Render `prompts/<name>` (".j2" added when missing) with the given variables."""
    template = name if name.endswith(".j2") else f"{name}.j2"
    return _environment().get_template(template).render(**variables).strip() + "\n"
