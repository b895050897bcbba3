"""Secrets stay out: planted secret files never enter the sandbox, and secret values never reach a prompt,
the trajectory, the report, result.json or the log, even when a tracked file or a command prints them."""

from __future__ import annotations

import logging
import subprocess

import pytest

from repowright.agent.solve import solve_issue
from repowright.agent.solve.budget import Budget
from tests.agent.solve.scripted import FIX_MEAN, StepResponder, calls, copy_fixture, settings_for, submit
from tests.scripted_server import Reply, ScriptedServer

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("no_leftover_containers")]

API_KEY = "sk-planted-api-key-0001"
GITHUB = "ghp_planted_github_token_0002"
PASSWORD = "planted-service-password-0003"
# secret file -> the value planted in it
FILES = {
    ".env": "OPENAI_API_KEY=planted-dotenv-0004",
    ".env.production": "DB_URL=planted-dotenv-prod-0005",
    "deploy/server.pem": "-----BEGIN PRIVATE KEY----- planted-pem-0006",
    "deploy/signing.key": "planted-key-file-0007",
    "id_rsa": "planted-ssh-key-0008",
    ".netrc": "machine example.org password planted-netrc-0009",
    ".pypirc": "[pypi]\npassword = planted-pypirc-0010",
    "config/credentials.json": '{"token": "planted-credentials-0011"}',
}
IGNORED = ("notes/local.txt", "planted-gitignored-0012")  # ignored by .gitignore, not secret by name


def plant(repo) -> None:
    """Secret files (tracked, so only the name rule keeps them out), an ignored file, and a tracked module that
    holds the configured key, the GitHub token and a secret-named variable's value."""
    for path, text in {**FILES, IGNORED[0]: IGNORED[1]}.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text + "\n")
    (repo / ".gitignore").write_text("notes/\n")
    (repo / "textstats/settings.py").write_text(
        f'"""Where the service lives."""\nAPI = "{API_KEY}"\nGH = "{GITHUB}"\nPW = "{PASSWORD}"\n'
    )
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A", "."], cwd=repo, check=True)
    subprocess.run(
        [*git, "add", "-f", *FILES], cwd=repo, check=True
    )  # tracked: only the name rule holds them
    subprocess.run([*git, "commit", "-qm", "init"], cwd=repo, check=True)


def test_planted_secrets_reach_no_prompt_trajectory_report_or_log(
    tmp_path, docker_sandbox, monkeypatch, caplog
):
    repo, issue = copy_fixture("stats", tmp_path)
    plant(repo)
    assert "id_rsa" in subprocess.run(["git", "ls-files"], cwd=repo, capture_output=True, text=True).stdout
    monkeypatch.setenv("GITHUB_TOKEN", GITHUB)
    monkeypatch.setenv("MY_SERVICE_PASSWORD", PASSWORD)
    paths = [*FILES, IGNORED[0]]
    responder = StepResponder(
        {
            "act": [
                Reply(tool_calls=[("view_file", {"path": p}) for p in paths]),
                Reply(tool_calls=[("view_file", {"path": "textstats/settings.py"})]),
                Reply(
                    tool_calls=[
                        (
                            "run_command",
                            {
                                "command": "ls -aR; cat "
                                + " ".join(paths)
                                + " textstats/settings.py; env; grep -r planted . || true"
                            },
                        )
                    ]
                ),
                calls(FIX_MEAN),
                submit("divide by the number of values"),
            ]
        }
    )
    out = tmp_path / "out"
    caplog.set_level(logging.DEBUG)
    with ScriptedServer(responder=responder) as srv:
        result = solve_issue(
            repo,
            issue,
            settings_for(srv.base_url, api_key=API_KEY),
            out,
            sandbox=docker_sandbox,
            budget=Budget(tool_timeout=60, max_tool_errors=20),
        )
    assert result.patch, result.to_dict()
    secrets = [
        API_KEY,
        GITHUB,
        PASSWORD,
        IGNORED[1],
        *(text.split()[-1].split("=")[-1].strip('"}') for text in FILES.values()),
    ]
    sent = "\n".join(str(r) for r in srv.requests)
    assert "textstats/settings.py" in sent and "[redacted api_key]" in sent  # the module was shown, scrubbed
    assert "does not exist" in sent  # the secret files are not in the sandbox copy
    written = {
        p.relative_to(out).as_posix(): p.read_text(errors="replace") for p in out.rglob("*") if p.is_file()
    }
    assert {"trajectory.jsonl", "report.html", "result.json", "patch.diff"} <= set(written)
    for secret in secrets:
        assert secret not in sent, f"{secret} reached the model"
        for name, text in written.items():
            assert secret not in text, f"{secret} is in {name}"
        assert secret not in caplog.text
