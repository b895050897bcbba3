"""`repowright constraints` and `repowright fuzz` from the command line: JSON records, YAML files, one-line
errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml

from tests.cli import run_cli


def repowright(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return run_cli(*args, cwd=cwd, timeout=300)


def test_constraints_json_and_yaml_records(tmp_path):
    out = repowright(
        "constraints", "torch.nn.functional.conv2d", "torch.gather", "--json", "--out", str(tmp_path)
    )
    assert out.returncode == 0, out.stderr
    records = json.loads(out.stdout)
    assert [r["api"] for r in records] == ["torch.nn.functional.conv2d", "torch.gather"]
    assert records[0]["params"]["input"]["ndim"] == ["4"]
    assert records[1]["params"]["index"]["dtype"] == ["torch.int64"]
    saved = yaml.safe_load((tmp_path / "torch.gather.yaml").read_text())
    assert (
        saved["constraints"]["index"]["dtype"] == ["torch.int64"]
        and saved["inputs"]["required"][-1] == "index"
    )
    assert saved["sources"]["index"]["dtype"] == "index (LongTensor): the indices of elements to gather"
    assert "warn" not in out.stderr.lower()


def test_constraints_module_lists_every_public_function():
    out = repowright("constraints", "torch.nn.functional", "--json")
    apis = [r["api"] for r in json.loads(out.stdout)]
    assert len(apis) > 100 and "torch.nn.functional.conv2d" in apis and "torch.nn.functional.relu" in apis
    assert all(not a.rsplit(".", 1)[1].startswith("_") for a in apis)


def test_unknown_api_is_a_one_line_error():
    out = repowright("constraints", "torch.no_such_function")
    assert out.returncode == 2 and out.stderr.startswith(
        "error: unknown API or module 'torch.no_such_function'"
    )
    assert len(out.stderr.strip().splitlines()) == 1
    fuzz = repowright("fuzz", "torch.no_such_function", "--inputs-per-api", "2")
    assert fuzz.returncode == 2 and "unknown API" in fuzz.stderr
