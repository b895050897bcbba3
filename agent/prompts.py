"""The one Jinja environment: prompts (`prompts/*.j2`) and reports (`prompts/report/*.j2`), StrictUndefined.

Templates whose name ends in `.html.j2` are HTML-escaped throughout; everything else (prompts, Markdown) is text.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

import repowright.prompts as _prompts_pkg

PROMPTS_DIR = Path(_prompts_pkg.__file__).parent


def _is_html(name: str | None) -> bool:
    """Escape everything in HTML templates (jinja's select_autoescape misses the `.j2` suffix)."""
    return bool(name) and str(name).removesuffix(".j2").endswith((".html", ".htm"))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The environment every template is rendered in (reports needing trimmed blocks take an overlay of it)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(PROMPTS_DIR)),
        undefined=jinja2.StrictUndefined,
        autoescape=_is_html,
    )


def render(name: str, **variables: Any) -> str:
    """Render `prompts/<name>` (".j2" added when missing) with the given variables, as one stripped text."""
    template = name if name.endswith(".j2") else f"{name}.j2"
    return environment().get_template(template).render(**variables).strip() + "\n"
