"""`repowright translate plan|verify|run` through the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from repowright.agent.cli.main import app
from repowright.analyzers.c_depgraph import order_violations
from tests.agent.translate.test_loop import DATA as LOOP_DATA
from tests.agent.translate.test_loop import ScriptedTranslator
from tests.scripted_server import ScriptedServer

ROOT = Path(__file__).parents[3]
EXAMPLE = ROOT / "examples" / "c2rust"
runner = CliRunner()


def test_plan_json_lists_units_in_order():
    result = runner.invoke(app, ["translate", "plan", str(EXAMPLE / "c"), "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert {"id", "kind", "name", "file", "start_line", "end_line", "depends_on"} <= set(plan["units"][0])
    assert order_violations(plan) == []
    assert plan["order"][-1] == ["main.c::main"]


def test_plan_rejects_a_missing_directory(tmp_path):
    result = runner.invoke(app, ["translate", "plan", str(tmp_path / "nope")])
    assert result.exit_code != 0


@pytest.mark.docker
def test_verify_json_and_exit_codes(tmp_path):
    ok = runner.invoke(
        app, ["translate", "verify", "--c", str(EXAMPLE / "c"), "--rust", str(EXAMPLE / "rust"), "--json"]
    )
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.stdout)
    assert data["equivalent"] and data["build"] == {"c": True, "rust": True, "errors": ""}
    assert [c["equal"] for c in data["cases"]] == [True] * 4
    crate = tmp_path / "crate"
    shutil.copytree(EXAMPLE / "rust", crate)
    main = crate / "src" / "main.rs"
    main.write_text(main.read_text().replace("lines {}, words", "lines {} words"))
    bad = runner.invoke(app, ["translate", "verify", "--c", str(EXAMPLE / "c"), "--rust", str(crate)])
    assert bad.exit_code == 1
    assert "-lines 2, words 17, chars 86" in bad.stdout and "not equivalent: 1/4 cases equal" in bad.stdout


@pytest.mark.docker
def test_run_writes_an_equivalent_crate(tmp_path, monkeypatch):
    with ScriptedServer(responder=ScriptedTranslator()) as server:
        monkeypatch.setenv("REPOWRIGHT_API_KEY", "x")
        result = runner.invoke(
            app,
            [
                "translate",
                "run",
                str(LOOP_DATA / "c"),
                "--out",
                str(tmp_path / "out"),
                "--base-url",
                server.base_url,
                "--model",
                "scripted",
                "--json",
            ],
        )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["metrics"]["equivalent"] and (tmp_path / "out" / "src" / "main.rs").is_file()
