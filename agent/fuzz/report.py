"""The campaign report: Markdown for reading in a terminal or a pull request, HTML for a browser."""

from __future__ import annotations

from pathlib import Path

from ..atomic import atomic_write
from ..prompts import environment
from .findings import FINDING_CLASSES, Finding

CLASS_TITLES = {
    "crash": "Crashes (killed by a signal)",
    "internal_assert": "Internal assertion failures",
    "hang": "Hangs (no result within the time limit)",
    "wrong_result": "Wrong results (two runs of the same input disagree)",
}


def write_reports(directory: Path, summary: dict, findings: list[Finding]) -> tuple[Path, Path]:
    """Render report.md and report.html into the campaign directory (each written whole, then moved)."""
    env = environment().overlay(trim_blocks=True, lstrip_blocks=True)  # the templates' layout assumes them
    groups = [(cls, CLASS_TITLES[cls], [f for f in findings if f.cls == cls]) for cls in FINDING_CLASSES]
    scripts = {f.id: _read(directory / f.reproducer) if f.reproducer else "" for f in findings}
    context = {"summary": summary, "groups": groups, "scripts": scripts}
    paths = []
    for kind in ("md", "html"):
        text = env.get_template(f"report/fuzz.{kind}.j2").render(**context)
        path = directory / f"report.{kind}"
        atomic_write(path, text)
        paths.append(path)
    return paths[0], paths[1]


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""
