"""Detection of what a repository needs, from its files read as text; nothing of the repository runs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import repowright.agent.env.build as build
from repowright.agent.env.detect import detect_requirements, wanted_python


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_every_kind_of_file_is_read(tmp_path):
    marker = tmp_path / "setup-py-ran"
    repo = write(
        tmp_path / "repo",
        {
            "pyproject.toml": '[project]\nname = "demo"\nrequires-python = ">=3.9"\ndependencies = ["attrs>=22"]\n'
            '[project.optional-dependencies]\ntest = ["pytest-mock"]\ndocs = ["sphinx"]\n'
            '[dependency-groups]\ndev = ["hypothesis"]\n',
            "setup.py": f"open({str(marker)!r}, 'w')\nfrom setuptools import setup\nsetup(install_requires=['six'])\n",
            "requirements.txt": "requests==2.31.0  # pinned\n-r requirements/extra.txt\n-e .\n./local_pkg\n",
            "requirements/extra.txt": "idna\n",
            "tox.ini": "[testenv]\ndeps =\n    freezegun\n    {posargs}\n",
            "uv.lock": '[[package]]\nname = "attrs"\nversion = "23.2.0"\n\n[[package]]\nname = "demo"\nversion = "0.1"\n'
            'source = { editable = "." }\n',
        },
    )
    found = detect_requirements(repo)
    assert not marker.exists()  # setup.py was parsed, never executed
    for req in (
        "attrs>=22",
        "pytest-mock",
        "hypothesis",
        "six",
        "requests==2.31.0",
        "idna",
        "freezegun",
        "pytest",
    ):
        assert req in found.requirements, req
    assert "sphinx" not in found.requirements  # only test and dev extras
    assert not any(r.startswith(("-e", "./")) for r in found.requirements)
    assert found.constraints == ["attrs==23.2.0"] and found.requires_python == ">=3.9"
    assert set(found.files) >= {
        "pyproject.toml",
        "setup.py",
        "requirements.txt",
        "requirements/extra.txt",
        "tox.ini",
        "uv.lock",
    }


def test_the_key_follows_the_files(tmp_path):
    repo = write(tmp_path / "repo", {"requirements.txt": "idna\n"})
    first = detect_requirements(repo).key("3.11")
    assert detect_requirements(repo).key("3.11") == first and detect_requirements(repo).key("3.12") != first
    write(repo, {"requirements.txt": "idna==3.6\n"})
    assert detect_requirements(repo).key("3.11") != first


def test_poetry_tables_and_lock(tmp_path):
    repo = write(
        tmp_path / "repo",
        {
            "pyproject.toml": '[tool.poetry]\nname = "p"\n[tool.poetry.dependencies]\npython = "^3.9"\nclick = "^8.0"\n'
            'toml = "0.10.2"\n[tool.poetry.group.test.dependencies]\npytest-cov = "*"\n',
            "poetry.lock": '[[package]]\nname = "click"\nversion = "8.1.7"\n',
        },
    )
    found = detect_requirements(repo)
    assert {"click", "toml==0.10.2", "pytest-cov", "pytest"} <= set(found.requirements)
    assert found.constraints == ["click==8.1.7"]


def test_python_choice_and_the_interpreter_without_pyenv(monkeypatch):
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert wanted_python(None) == here and wanted_python(f">={here}") == here
    monkeypatch.setattr(build, "PYENV_ROOT", Path("/nonexistent"))
    assert build.find_interpreter(here).exists()  # a CI runner: the interpreter running repowright
    with pytest.raises(build.EnvBuildError, match="no Python 3.4 interpreter"):
        build.find_interpreter("3.4")
