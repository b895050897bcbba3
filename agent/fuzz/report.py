"""The campaign report: Markdown for reading in a terminal or a pull request, HTML for a browser."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..atomic import atomic_write
from .findings import FINDING_CLASSES, Finding

TEMPLATES = Path(__file__).parent / "templates"
CLASS_TITLES = {
    "crash": "Crashes (killed by a signal)",
    "internal_assert": "Internal assertion failures",
    "hang": "Hangs (no result within the time limit)",
    "wrong_result": "Wrong results (two runs of the same input disagree)",
}


def write_reports(directory: Path, summary: dict, findings: list[Finding]) -> tuple[Path, Path]:
    """Render report.md and report.html into the campaign directory (each written whole, then moved)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        autoescape=_html_template,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    groups = [(cls, CLASS_TITLES[cls], [f for f in findings if f.cls == cls]) for cls in FINDING_CLASSES]
    scripts = {f.id: _read(directory / f.reproducer) if f.reproducer else "" for f in findings}
    context = {"summary": summary, "groups": groups, "scripts": scripts}
    paths = []
    for name in ("report.md", "report.html"):
        text = env.get_template(f"{name}.j2").render(**context)
        path = directory / name
        atomic_write(path, text)
        paths.append(path)
    return paths[0], paths[1]


def _html_template(name: str | None) -> bool:
    """Escape everything in HTML templates (`report.html.j2`: jinja's select_autoescape misses the `.j2`)."""
    return bool(name) and name.removesuffix(".j2").endswith((".html", ".htm"))  # type: ignore[union-attr]


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""
