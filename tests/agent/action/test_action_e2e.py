"""`repowright action` end to end: the real solve pipeline (scripted model, Docker sandbox) against the local
GitHub stand-in, on a change that adds, modifies and deletes files; the evidence reaches the user."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml

from repowright.agent.action.run import run_action
from repowright.agent.solver import default_solver
from tests.agent.solve.scripted import StepResponder, reproduction, settings_for
from tests.scripted_server import Reply, ScriptedServer

from .fake_github import FakeGitHub
from .test_action import DATA, TOKEN, environ, git

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("no_leftover_containers")]
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The calc fixture with its bug and a module the fix removes."""
    repo = tmp_path / "workspace"
    subprocess.run(["cp", "-r", str(DATA / "swebench" / "calc" / "repo"), str(repo)], check=True)
    (repo / "calc" / "legacy.py").write_text(
        '"""The old adder, kept for nobody."""\n\n\ndef old_add(a, b):\n    return a - b\n'
    )
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-qm", "base")
    return repo


def script() -> StepResponder:
    return StepResponder(
        {
            "reproduce": [
                reproduction(
                    "test_repro_add.py",
                    "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n",
                )
            ],
            "act": [
                Reply(
                    tool_calls=[
                        (
                            "edit_file",
                            {"path": "calc/__init__.py", "search": "return a - b", "replace": "return a + b"},
                        )
                    ]
                ),
                Reply(
                    tool_calls=[
                        (
                            "create_file",
                            {
                                "path": "tests/test_add.py",
                                "content": "from calc import add\n\n\ndef test_add():\n"
                                "    assert add(2, 3) == 5\n",
                            },
                        )
                    ]
                ),
                Reply(tool_calls=[("run_command", {"command": "rm calc/legacy.py"})]),
                Reply(
                    tool_calls=[
                        (
                            "submit",
                            {
                                "summary": "add() now adds; a test covers it and the unused legacy "
                                "adder is gone."
                            },
                        )
                    ]
                ),
            ],
        }
    )


def test_action_opens_a_pull_request_with_the_evidence(workspace, tmp_path, monkeypatch):
    outputs, runner_temp = tmp_path / "github_output", tmp_path / "runner"
    runner_temp.mkdir()
    with ScriptedServer(responder=script()) as srv, FakeGitHub() as server:
        env = {
            **environ(server, "issues_labeled.json", "issues", workspace),
            "GITHUB_OUTPUT": str(outputs),
            "RUNNER_TEMP": str(runner_temp),
            "GITHUB_RUN_ATTEMPT": "1",
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        outcome = run_action(os.environ, default_solver(), settings_for(srv.base_url), label="repowright")
    assert outcome.status == "pull_request" and outcome.solve_status == "patched", outcome
    values = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    run_dir = Path(values["run-dir"])
    assert values["status"] == "patched" and values["pr-url"] == "https://github.test/octo/calc/pull/12"
    assert run_dir.parent == runner_temp and Path(values["patch-path"]) == run_dir / "patch.diff"
    assert {"report.html", "trajectory.jsonl", "patch.diff", "result.json"} <= {
        p.name for p in run_dir.iterdir()
    }
    assert not any(TOKEN in p.read_text(errors="replace") for p in run_dir.rglob("*") if p.is_file())

    requests = {(m, p.rsplit("/", 1)[-1]): body for m, p, body, _ in server.requests}
    tree = {e["path"]: e["sha"] for e in requests[("POST", "trees")]["tree"]}
    assert (
        set(tree) == {"calc/__init__.py", "tests/test_add.py", "calc/legacy.py"}
        and tree["calc/legacy.py"] is None
    )
    body = requests[("POST", "pulls")]["body"]
    assert body.startswith("Resolves #7.") and "the unused legacy adder is gone" in body
    assert "**Status: patched**" in body and "| applies | passed |" in body
    assert "| reproduction_passes_after | passed |" in body and "| existing_tests_pass |" in body
    for line in (
        "- `calc/__init__.py` (modified)",
        "- `tests/test_add.py` (added)",
        "- `calc/legacy.py` (deleted)",
    ):
        assert line in body
    assert "(https://github.com/octo/calc/actions/runs/42#artifacts)" in body
    assert git(workspace, "status", "--porcelain") == ""  # the checkout is untouched


def test_action_yml_uploads_the_run_and_has_outputs():
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert set(action["outputs"]) >= {"status", "pr-url", "patch-path"}
    assert all("steps.solve.outputs." in o["value"] for o in action["outputs"].values())
    steps = action["runs"]["steps"]
    solve = next(s for s in steps if s.get("id") == "solve")
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@"))
    assert steps.index(upload) > steps.index(solve) and upload["if"].startswith("always()")
    assert upload["with"]["path"] == "${{ steps.solve.outputs.run-dir }}"
    workflow = yaml.safe_load((ROOT / "examples" / "github" / "repowright.yml").read_text())
    assert "github.event.issue.number" in workflow["concurrency"]["group"]
    assert "github.event.label.name == 'repowright'" in workflow["jobs"]["solve"]["if"]
