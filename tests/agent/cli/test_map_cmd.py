"""`repowright map` as a user runs it: summary, --json counts, exports, one-line errors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.cli import run_cli

DATA = Path(__file__).resolve().parents[2] / "data" / "kg"


def repowright(*args: str) -> subprocess.CompletedProcess:
    return run_cli(*args, timeout=120)


def test_map_json_counts_and_cache(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(DATA / "python", repo)
    first = repowright("map", str(repo), "--json")
    assert first.returncode == 0, first.stderr
    data = json.loads(first.stdout)
    assert data["files"] == 4 and data["cache_hits"] == 0 and data["skipped"] == {}
    assert data["nodes"] == {
        "class": 2,
        "directory": 1,
        "file": 4,
        "function": 5,
        "method": 4,
        "repository": 1,
        "variable": 5,
    }
    assert data["edges"] == {"calls": 9, "contains": 21, "imports": 5, "inherits": 1, "references": 2}
    second = json.loads(repowright("map", str(repo), "--json").stdout)
    assert second["cache_hits"] == 4 and second["nodes"] == data["nodes"] and second["edges"] == data["edges"]


def test_map_summary_and_exports(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(DATA / "go", repo)
    proc = repowright("map", str(repo), "--out", str(tmp_path / "g.json"))
    assert proc.returncode == 0 and "4 files" in proc.stdout and "calls" in proc.stdout
    graph = json.loads((tmp_path / "g.json").read_text())
    assert any(e["source"] == "main.go" and e["target"] == "geom/" for e in graph["edges"])
    proc = repowright("map", str(repo), "--out", str(tmp_path / "g.graphml"), "--format", "graphml", "--json")
    assert proc.returncode == 0 and "<graphml" in (tmp_path / "g.graphml").read_text()


def test_map_errors_are_one_line(tmp_path):
    missing = repowright("map", str(tmp_path / "nope"))
    assert (
        missing.returncode == 2
        and missing.stderr.strip().count("\n") == 0
        and "not a directory" in missing.stderr
    )
    bad = repowright("map", str(tmp_path), "--format", "xml")
    assert bad.returncode == 2 and "--format xml" in bad.stderr


def test_map_unwritable_cache_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    proc = repowright("map", str(DATA / "go"), "--cache-dir", str(blocker / "cache"))
    assert (
        proc.returncode == 2
        and "cannot write the graph cache" in proc.stderr
        and "--cache-dir" in proc.stderr
    )
