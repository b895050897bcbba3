"""`repowright locate` as a user runs it: JSON shape, table output, one-line errors."""

from __future__ import annotations

import json
import subprocess

from tests.cli import run_cli
from tests.examples import MINICART_ISSUE, copy_example


def repowright(*args: str) -> subprocess.CompletedProcess:
    return run_cli(*args, timeout=120)  # scrubbed: no model endpoint configured


def test_locate_json_and_table(tmp_path):
    repo = copy_example("minicart", tmp_path)
    issue = str(MINICART_ISSUE)
    proc = repowright("locate", str(repo), "--issue-file", issue, "--top", "3", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert len(data["files"]) == 3 and len(data["functions"]) == 3
    assert {f["name"] for f in data["functions"][:2]} == {"lookup", "Cart.apply_coupon"}
    assert data["functions"][0]["start_line"] >= 1 and data["files"][0]["score"] >= data["files"][1]["score"]
    table = repowright("locate", str(repo), "--issue", "with_tax adds tax twice", "--top", "2")
    assert table.returncode == 0 and "with_tax" in table.stdout and "pricing.py" in table.stdout


def test_locate_errors(tmp_path):
    both = repowright("locate", str(tmp_path), "--issue", "x", "--issue-file", "y")
    assert both.returncode == 2 and "exactly one" in both.stderr and both.stderr.strip().count("\n") == 0
    missing = repowright("locate", str(tmp_path), "--issue-file", str(tmp_path / "none.md"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    empty = repowright("locate", str(tmp_path), "--issue", "   ")
    assert empty.returncode == 2 and "empty" in empty.stderr
