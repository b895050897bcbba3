"""Environments install in the official harness's steps: a later pin replaces an earlier one (offline, local wheels)."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from repowright.agent.env.installer import Installer, InstallError
from repowright.evals.swebench.envs import find_interpreter, requirement_steps
from repowright.evals.swebench.install_steps import apply_pre_install, flatten, install_in_steps
from repowright.evals.swebench.specs import Specs


def wheel(folder: Path, name: str, version: str, requires: tuple[str, ...] = ()) -> None:
    """A pure-Python wheel of an empty package `name` at `version` in `folder`."""
    info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": f"VERSION = {version!r}\n",
        f"{info}/METADATA": "Metadata-Version: 2.1\n"
        f"Name: {name}\nVersion: {version}\n" + "".join(f"Requires-Dist: {r}\n" for r in requires),
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    files[f"{info}/RECORD"] = "".join(f"{path},,\n" for path in [*files, f"{info}/RECORD"])
    with zipfile.ZipFile(folder / f"{name}-{version}-py3-none-any.whl", "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)


def committed_repo(root: Path, files: dict[str, str]) -> str:
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text)
    for argv in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"],
    ):
        subprocess.run(["git", "-C", str(root), *argv], check=True)
    return subprocess.run(
        ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()


def test_a_later_pin_replaces_an_earlier_one(tmp_path, monkeypatch):
    """requirements.txt pins rwpin==2.0, pip_packages rwpin==1.0 (like MarkupSafe 2.1.2 / 2.1.1 in flask's specs)."""
    head = committed_repo(
        tmp_path / "repo",
        {
            "requirements.txt": "rwpin==2.0  # pinned for a reason\n",
            "setup.py": 'from setuptools import setup\nsetup(install_requires=["rwdep"])\n',
        },
    )
    specs = tmp_path / "specs.json"
    specs.write_text(
        json.dumps(
            {
                "o/r": {
                    "1": {
                        "python": "3.11",
                        "packages": "requirements.txt",
                        "pip_packages": ["rwpin==1.0"],
                        "install": "pip install -e .",
                        "test_cmd": "pytest",
                    }
                }
            }
        )
    )
    instance = {"repo": "o/r", "version": "1", "environment_setup_commit": head, "base_commit": head}
    steps, _ = requirement_steps(instance, Specs(specs), tmp_path / "repo")
    assert steps == [["rwpin==2.0"], ["rwpin==1.0"], ["rwdep"]]

    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for version in ("1.0", "2.0"):
        wheel(wheels, "rwpin", version)
    wheel(wheels, "rwdep", "1.0", requires=("rwpin>=1.0",))
    monkeypatch.setenv("UV_FIND_LINKS", str(wheels))
    monkeypatch.setenv("UV_NO_INDEX", "1")  # offline: only the wheels above exist
    installer = Installer(find_interpreter("3.11"), "3.11", None)
    installer.create(tmp_path / "steps")
    assert install_in_steps(installer, tmp_path / "steps", steps)
    assert {"rwpin==1.0", "rwdep==1.0"} <= set(installer.freeze(tmp_path / "steps"))
    installer.create(tmp_path / "at-once")
    with pytest.raises(InstallError, match="rwpin"):  # what one resolve of everything does
        installer.install(tmp_path / "at-once", flatten(steps))


def test_pre_install_edits_of_dependency_files_are_applied_to_their_text():
    files = {
        "setup.py": "install_requires = ['Jinja2>=2.3', 'packaging', 'sphinxcontrib-htmlhelp>=2.0.0',\n"
        "                    'alabaster>=0.7,<0.8']\n",
        "tox.ini": "[testenv]\ncommands = pytest\n",
    }
    notes = apply_pre_install(
        [
            "sed -i 's/pytest/pytest -rA/' tox.ini",
            "sed -i 's/Jinja2>=2.3/Jinja2<3.0/' setup.py",
            "sed -i \"s/'packaging',/'packaging', 'markupsafe<=2.0.1',/\" setup.py",
            "grep -q 'sphinxcontrib-htmlhelp>=2.0.0' setup.py && sed -i 's/sphinxcontrib-htmlhelp>=2.0.0/"
            "sphinxcontrib-htmlhelp>=2.0.0,<=2.0.4/' setup.py || sed -i 's/sphinxcontrib-htmlhelp/"
            "sphinxcontrib-htmlhelp<=2.0.4/' setup.py",
            "sed -i 's/alabaster>=0.7,<0.8/alabaster>=0.7,<0.7.12/' setup.py",
            "apt-get update && apt-get install -y graphviz",
            "python setup.py egg_info",
        ],
        files,
    )
    assert files["setup.py"] == (
        "install_requires = ['Jinja2<3.0', 'packaging', 'markupsafe<=2.0.1', "
        "'sphinxcontrib-htmlhelp>=2.0.0,<=2.0.4',\n"
        "                    'alabaster>=0.7,<0.7.12']\n"
    )
    assert files["tox.ini"].endswith("pytest -rA\n")
    assert notes == [
        "pre_install command not reproduced (it may change the dependencies): python setup.py egg_info"
    ]
