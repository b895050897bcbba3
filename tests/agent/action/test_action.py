"""`repowright action` driven by event payloads against a local stand-in for the GitHub API."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from repowright.agent.action.run import run_action
from repowright.agent.config import Settings
from repowright.agent.solve import SolveResult

from .fake_github import FakeGitHub

DATA = Path(__file__).resolve().parents[2] / "data"
TOKEN = "ghs_secret_token_value"
REPO_PREFIX = "/repos/octo/calc"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The checked-out repository the workflow runs in: the calc fixture with its bug."""
    repo = tmp_path / "workspace"
    shutil.copytree(DATA / "swebench" / "calc" / "repo", repo)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-qm", "base")
    return repo


class FixingSolver:
    """A real solver for the fixture: fixes add() in a clone and returns the diff; records what it saw."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __call__(self, repo_path: Path, issue_text: str, settings: Settings, out_dir: Path) -> SolveResult:
        self.calls.append(
            {
                "issue_text": issue_text,
                "token_in_env": any(TOKEN in v for v in os.environ.values()),
                "settings": settings.model_dump_json(),
            }
        )
        clone = out_dir / "clone"
        subprocess.run(["git", "clone", "-q", str(repo_path), str(clone)], check=True)
        source = clone / "calc" / "__init__.py"
        source.write_text(source.read_text().replace("return a - b", "return a + b"))
        return SolveResult(
            "patched", git(clone, "diff"), {}, {"prompt_tokens": 10, "completion_tokens": 5}, 1.0, out_dir
        )


def environ(server: FakeGitHub, event_file: str, event_name: str, workspace: Path) -> dict[str, str]:
    return {
        "GITHUB_EVENT_PATH": str(DATA / "action" / event_file),
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_REPOSITORY": "octo/calc",
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_API_URL": server.url,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_RUN_ID": "42",
        "GITHUB_WORKSPACE": str(workspace),
    }


def test_label_opens_a_pull_request_with_the_exact_requests(workspace, monkeypatch):
    solver = FixingSolver()
    with FakeGitHub() as server:
        for name, value in environ(server, "issues_labeled.json", "issues", workspace).items():
            monkeypatch.setenv(name, value)  # the real process environment, as in a workflow
        outcome = run_action(os.environ, solver, Settings(), label="repowright")
    fixed = (DATA / "swebench/calc/repo/calc/__init__.py").read_text().replace("return a - b", "return a + b")
    assert outcome.status == "pull_request" and outcome.url == "https://github.test/octo/calc/pull/12"
    assert [(m, p) for m, p, _, _ in server.requests] == [
        ("POST", f"{REPO_PREFIX}/issues/7/comments"),
        ("GET", REPO_PREFIX),
        ("GET", f"{REPO_PREFIX}/git/ref/heads/main"),
        ("GET", f"{REPO_PREFIX}/git/commits/{'b' * 40}"),
        ("POST", f"{REPO_PREFIX}/git/blobs"),
        ("POST", f"{REPO_PREFIX}/git/trees"),
        ("POST", f"{REPO_PREFIX}/git/commits"),
        ("POST", f"{REPO_PREFIX}/git/refs"),
        ("POST", f"{REPO_PREFIX}/pulls"),
        ("POST", f"{REPO_PREFIX}/issues/7/comments"),
    ]
    bodies = [body for _, _, body, _ in server.requests]
    assert bodies[0] == {
        "body": "repowright is working on this issue (run: https://github.com/octo/calc/actions/runs/42)."
    }
    assert base64.b64decode(bodies[4]["content"]).decode() == fixed
    assert bodies[5] == {
        "base_tree": "t" * 40,
        "tree": [{"path": "calc/__init__.py", "mode": "100644", "type": "blob", "sha": "1" * 40}],
    }
    assert bodies[6]["parents"] == ["b" * 40] and bodies[6]["tree"] == "2" * 40
    assert bodies[7] == {"ref": "refs/heads/repowright/issue-7-42", "sha": "3" * 40}
    assert bodies[8]["head"] == "repowright/issue-7-42" and bodies[8]["base"] == "main"
    assert bodies[9] == {"body": "repowright opened #12 for this issue."}
    assert all(auth == f"Bearer {TOKEN}" for *_, auth in server.requests)
    # the token reached neither the solver's environment nor its inputs
    assert solver.calls and not solver.calls[0]["token_in_env"]
    assert TOKEN not in solver.calls[0]["issue_text"] + solver.calls[0]["settings"]
    assert solver.calls[0]["issue_text"].startswith("add() subtracts\n\ncalc.add(2, 3)")


def test_collaborator_comment_posts_the_diff(workspace):
    solver = FixingSolver()
    with FakeGitHub() as server:
        outcome = run_action(
            environ(server, "comment_collaborator.json", "issue_comment", workspace),
            solver,
            Settings(),
            output="comment",
        )
    assert outcome.status == "comment"
    assert [(m, p) for m, p, _, _ in server.requests] == [("POST", f"{REPO_PREFIX}/issues/7/comments")] * 2
    diff = server.requests[1][2]["body"]
    assert diff.startswith("repowright proposes this change:\n\n```diff\ndiff --git a/calc/__init__.py")
    assert "-    return a - b\n+    return a + b" in diff


@pytest.mark.parametrize(
    "event_file,event_name",
    [
        ("comment_stranger.json", "issue_comment"),
        ("issues_other_label.json", "issues"),
        ("comment_on_pull_request.json", "issue_comment"),
    ],
)
def test_no_request_for_events_that_do_not_qualify(workspace, event_file, event_name):
    solver = FixingSolver()
    with FakeGitHub() as server:
        outcome = run_action(environ(server, event_file, event_name, workspace), solver, Settings())
    assert not outcome.acted and server.requests == [] and solver.calls == []


def test_stranger_is_told_nothing_and_reason_names_the_association(workspace):
    with FakeGitHub() as server:
        outcome = run_action(
            environ(server, "comment_stranger.json", "issue_comment", workspace), FixingSolver(), Settings()
        )
    assert "CONTRIBUTOR" in outcome.reason and "drive-by" in outcome.reason


def test_failures_are_posted_on_the_issue(workspace):
    def failing(repo_path, issue_text, settings, out_dir):
        return SolveResult("no_patch", "", {}, {}, 1.0, out_dir, error="no candidate patch passed the tests")

    with FakeGitHub() as server:
        outcome = run_action(environ(server, "issues_labeled.json", "issues", workspace), failing, Settings())
    assert outcome.status == "failed"
    assert [body["body"] for _, _, body, _ in server.requests] == [
        "repowright is working on this issue (run: https://github.com/octo/calc/actions/runs/42).",
        "repowright could not resolve this issue: no candidate patch passed the tests",
    ]


def test_api_refusal_while_opening_the_pull_request_is_reported(workspace):
    with FakeGitHub(fail=r"/pulls$") as server:
        outcome = run_action(
            environ(server, "issues_labeled.json", "issues", workspace), FixingSolver(), Settings()
        )
    assert outcome.status == "failed" and "POST /pulls answered 422" in outcome.url
    last = server.requests[-1]
    assert last[1] == f"{REPO_PREFIX}/issues/7/comments" and "answered 422" in last[2]["body"]


def test_cli_ignores_an_unauthorized_commenter_without_any_request(workspace, monkeypatch):
    from typer.testing import CliRunner

    from repowright.agent.cli.main import app

    with FakeGitHub() as server:
        for name, value in environ(server, "comment_stranger.json", "issue_comment", workspace).items():
            monkeypatch.setenv(name, value)
        result = CliRunner().invoke(app, ["action", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["acted"] is False and server.requests == []


def test_action_yml_passes_inputs_as_variables_the_cli_reads():
    import yaml

    from repowright.agent.config import _ENV_FIELDS

    spec = yaml.safe_load((Path(__file__).resolve().parents[3] / "action.yml").read_text())
    assert spec["runs"]["using"] == "composite" and spec["inputs"]["trigger-label"]["default"] == "repowright"
    step = next(s for s in spec["runs"]["steps"] if s.get("id") == "solve")
    assert step["run"].strip() == "repowright action" and "${{" not in step["run"]
    known = set(_ENV_FIELDS) | {"GITHUB_TOKEN", "REPOWRIGHT_ACTION_LABEL", "REPOWRIGHT_ACTION_OUTPUT"}
    assert set(step["env"]) <= known
    assert step["env"]["REPOWRIGHT_API_KEY"] == "${{ inputs.api-key }}"


def test_a_sandbox_failure_is_posted_but_a_bug_is_not_disguised_as_one(workspace):
    from repowright.sandbox import EngineError

    def engine_down(repo_path, issue_text, settings, out_dir):
        raise EngineError("the Docker engine does not answer; start it")

    with FakeGitHub() as server:
        outcome = run_action(
            environ(server, "issues_labeled.json", "issues", workspace), engine_down, Settings()
        )
    assert outcome.status == "failed" and "Docker engine does not answer" in server.requests[-1][2]["body"]

    def buggy(repo_path, issue_text, settings, out_dir):
        raise RuntimeError(
            "an internal bug"
        )  # not a named failure: it surfaces instead of becoming a comment

    with FakeGitHub() as server, pytest.raises(RuntimeError, match="an internal bug"):
        run_action(environ(server, "issues_labeled.json", "issues", workspace), buggy, Settings())
