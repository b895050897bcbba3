"""Instances and predictions from every supported file format, filters, and declared dependencies read statically."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from repowright.agent.env.static_meta import declared_dependencies
from repowright.agent.errors import UserError
from repowright.evals.swebench.instances import load_instances
from repowright.evals.swebench.predictions import load_predictions

ROWS = [
    {
        "instance_id": "a__b-1",
        "repo": "a/b",
        "version": "1.0",
        "base_commit": "c1",
        "patch": "P1",
        "test_patch": "T1",
        "FAIL_TO_PASS": json.dumps(["t::one"]),
        "PASS_TO_PASS": json.dumps([]),
        "environment_setup_commit": "e1",
    },
    {
        "instance_id": "c__d-2",
        "repo": "c/d",
        "version": "2.0",
        "base_commit": "c2",
        "patch": "P2",
        "test_patch": "T2",
        "FAIL_TO_PASS": json.dumps(["t::two"]),
        "PASS_TO_PASS": json.dumps(["t::three"]),
        "environment_setup_commit": "",
    },
]


def write(path: Path, kind: str) -> Path:
    if kind == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    elif kind == "json":
        path.write_text(json.dumps(ROWS))
    elif kind == "csv":
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(ROWS[0]))
            writer.writeheader()
            writer.writerows(ROWS)
    else:
        rows = [{**r, "FAIL_TO_PASS": json.loads(r["FAIL_TO_PASS"])} for r in ROWS]  # lists, not strings
        pq.write_table(pa.Table.from_pylist(rows), path)
    return path


@pytest.mark.parametrize("kind", ["jsonl", "json", "csv", "parquet"])
def test_every_format_gives_the_same_instances(tmp_path, kind):
    instances = load_instances(str(write(tmp_path / f"i.{kind}", kind)))
    assert [i["instance_id"] for i in instances] == ["a__b-1", "c__d-2"]
    assert instances[1]["FAIL_TO_PASS"] == ["t::two"] and instances[1]["PASS_TO_PASS"] == ["t::three"]
    assert instances[1]["environment_setup_commit"] == "c2"  # empty falls back to the base commit


def test_filters_and_unknown_ids(tmp_path):
    path = str(write(tmp_path / "i.jsonl", "jsonl"))
    assert [i["instance_id"] for i in load_instances(path, repos=["c/d"])] == ["c__d-2"]
    assert [i["instance_id"] for i in load_instances(path, instance_ids=["a__b-1"])] == ["a__b-1"]
    with pytest.raises(UserError, match="unknown instance ids"):
        load_instances(path, instance_ids=["nope"])
    with pytest.raises(UserError, match="does not exist"):
        load_instances(str(tmp_path / "missing.jsonl"))


def test_predictions_official_format_gold_and_empty(tmp_path):
    instances = load_instances(str(write(tmp_path / "i.jsonl", "jsonl")))
    assert load_predictions("gold", instances)["a__b-1"]["model_patch"] == "P1"
    assert load_predictions("empty", instances)["c__d-2"]["model_patch"] == ""
    preds = tmp_path / "p.json"
    preds.write_text(
        json.dumps(
            [
                {"instance_id": "c__d-2", "model_name_or_path": "m", "model_patch": "X"},
                {"instance_id": "other", "model_name_or_path": "m", "model_patch": "Y"},
            ]
        )
    )
    assert load_predictions(str(preds), instances) == {
        "c__d-2": {"instance_id": "c__d-2", "model_name_or_path": "m", "model_patch": "X"}
    }
    preds.write_text(json.dumps([{"instance_id": "c__d-2", "model_patch": "X"}]))
    with pytest.raises(UserError, match="model_name_or_path"):
        load_predictions(str(preds), instances)


def test_declared_dependencies_without_running_setup_py():
    setup_py = """
import os
from setuptools import setup
REQUIRES = ["numpy >= 1.16", "pandas"]
EXTRAS = {"test": ["pytest"], "doc": ["sphinx"]}
EXTRAS["all"] = sorted(set(sum(EXTRAS.values(), [])))
EXTRAS["dev"] = EXTRAS["test"] + ["flake8"]
setup(name="x", install_requires=REQUIRES, extras_require=EXTRAS, setup_requires=os.environ["NOPE"])
"""
    deps = declared_dependencies(
        {
            "setup.py": setup_py,
            "pyproject.toml": '[build-system]\nrequires = ["setuptools_scm"]\n',
            "setup.cfg": "[options]\ninstall_requires =\n    click>=7  # cli\n",
        }
    )
    assert deps.install == ["numpy >= 1.16", "pandas", "click>=7"]
    assert deps.extras["all"] == ["pytest", "sphinx"] and deps.extras["dev"] == ["pytest", "flake8"]
    assert deps.build == ["setuptools_scm"] and any("setup_requires" in u for u in deps.unresolved)
    assert deps.for_extras(["dev"]) == [
        "numpy >= 1.16",
        "pandas",
        "click>=7",
        "setuptools_scm",
        "pytest",
        "flake8",
    ]


def test_evaluate_refuses_the_local_sandbox(tmp_path):
    from repowright.evals.swebench.evaluate import EvalOptions, evaluate
    from repowright.sandbox import make_sandbox

    instances = load_instances(str(write(tmp_path / "i.jsonl", "jsonl")))
    opts = EvalOptions(run_id="r", out_dir=tmp_path / "out", cache_dir=tmp_path / "envs")
    with pytest.raises(UserError, match="needs the docker sandbox"):
        evaluate(instances, load_predictions("gold", instances), opts, make_sandbox("local"))
    assert not (tmp_path / "out").exists()


def test_environment_requirements_leave_out_local_code(tmp_path):
    import subprocess

    from repowright.evals.swebench.envs import requirements_for
    from repowright.evals.swebench.specs import Specs

    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "requirements.txt").write_text(
        "-r more.txt\n-e .\n./plugins/x\nlocal @ file:///tmp/x\nclick>=7\n"
    )
    (repo / "more.txt").write_text("# comment\njinja2\n")
    (repo / "setup.py").write_text(
        'from setuptools import setup\nsetup(install_requires=["attrs"], '
        'extras_require={"dev": ["pytest"]})\n'
    )
    for argv in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"],
    ):
        subprocess.run(["git", "-C", str(repo), *argv], check=True)
    head = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    specs_file = tmp_path / "specs.json"
    specs_file.write_text(
        json.dumps(
            {
                "o/r": {
                    "1": {
                        "python": "3.11",
                        "packages": "requirements.txt",
                        "pip_packages": ["pytest-cov"],
                        "install": "pip install -e .[dev]",
                        "test_cmd": "pytest",
                    }
                }
            }
        )
    )
    instance = {"repo": "o/r", "version": "1", "environment_setup_commit": head, "base_commit": head}
    reqs, notes = requirements_for(instance, Specs(specs_file), repo)
    assert reqs == ["jinja2", "click>=7", "pytest-cov", "attrs", "pytest"]
    assert any("file:///tmp/x" in n for n in notes)  # -e . and ./paths are dropped as SWE-bench drops them
