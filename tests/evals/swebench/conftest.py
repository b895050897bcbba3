"""A SWE-bench world built by the tests: a fixture repository with a bug, its gold and test patches."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "data" / "swebench"
REPO = "fixture/calc"
SPEC = {
    "python": "3.11",
    "pip_packages": ["pytest"],
    "install": "python -m pip install -e .",
    "test_cmd": "pytest -rA",
    "log_parser": "pytest",
}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True, text=True).stdout


def make_instance(iid: str, base: str) -> dict:
    return {
        "instance_id": iid,
        "repo": REPO,
        "version": "1.0",
        "base_commit": base,
        "environment_setup_commit": base,
        "patch": (DATA / "calc" / "gold.diff").read_text(),
        "test_patch": (DATA / "calc" / "test.diff").read_text(),
        "problem_statement": "add() subtracts",
        "FAIL_TO_PASS": json.dumps(["tests/test_calc.py::test_add"]),
        "PASS_TO_PASS": json.dumps(["tests/test_calc.py::test_mul", "tests/test_calc.py::test_neg"]),
    }


@pytest.fixture(scope="session")
def calc_world(tmp_path_factory) -> dict:
    """A bare mirror under repos/fixture__calc, a dataset of instances on it, a specs file, an env cache."""
    root = tmp_path_factory.mktemp("swebench-world")
    work = root / "work"
    shutil.copytree(DATA / "calc" / "repo", work)
    git(work, "init", "-q")
    git(work, "add", "-A")
    git(work, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-qm", "calc with a bug")
    base = git(work, "rev-parse", "HEAD").strip()
    repos = root / "repos"
    repos.mkdir()
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(repos / "fixture__calc")], check=True)
    specs = root / "specs.json"
    specs.write_text(json.dumps({REPO: {"1.0": SPEC}, "fixture/gone": {"1.0": SPEC}}))
    return {
        "root": root,
        "repos": repos,
        "specs": specs,
        "base": base,
        "cache": root / "envs",
        "make_instance": make_instance,
        "write_dataset": write_dataset,
        "patches": {
            name: (DATA / "calc" / f"{name}.diff").read_text() for name in ("gold", "wrong", "stale", "fuzzy")
        },
    }


def write_dataset(path: Path, instances: list[dict]) -> Path:
    path.write_text("".join(json.dumps(i) + "\n" for i in instances))
    return path
