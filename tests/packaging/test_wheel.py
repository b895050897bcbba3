"""The built wheel installs one top-level package, `repowright`, with its data files, and nothing else of ours."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("agent", "analyzers", "sandbox", "evals", "prompts")


def build_wheel(out: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    (wheel,) = out.glob("repowright-*.whl")
    return wheel


def test_wheel_holds_only_the_repowright_package(tmp_path):
    wheel = zipfile.ZipFile(build_wheel(tmp_path))
    names = wheel.namelist()
    tops = {name.split("/")[0] for name in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"repowright"}
    for folder in FOLDERS:
        assert f"repowright/{folder}/__init__.py" in names
    # data files travel as package data: prompts, tree-sitter queries, fuzzing vocabularies
    assert "repowright/prompts/solve_act.j2" in names
    assert {"repowright/prompts/report/fuzz.html.j2", "repowright/prompts/report/solve.html.j2"} <= set(names)
    assert any(n.startswith("repowright/analyzers/queries/") and n.endswith(".scm") for n in names)
    assert "repowright/agent/fuzz/data/value_pools.yaml" in names
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "repowright = repowright.agent.cli.main:main" in wheel.read(entry).decode()


def test_source_imports_only_through_the_package():
    """No module imports a folder by its bare name (`from agent...`), which could resolve to another project."""
    bare = []
    for folder in (*FOLDERS, "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            if "data" in path.relative_to(ROOT).parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                words = line.split()
                if len(words) >= 2 and words[0] in ("from", "import") and words[1].split(".")[0] in FOLDERS:
                    bare.append(f"{path.relative_to(ROOT)}:{number}")
    assert not bare, bare
