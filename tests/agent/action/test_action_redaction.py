"""The Action's failure comment carries no configured secret: neither the workflow token nor the model API key."""

from __future__ import annotations

from repowright.agent.action.run import run_action
from repowright.agent.config import LLMConfig, Settings
from repowright.agent.solve import SolveResult

from .fake_github import FakeGitHub
from .test_action import TOKEN, environ, workspace  # noqa: F401  (workspace is a fixture)

API_KEY = "sk-model-key-0123456789"


def test_failure_comment_redacts_the_api_key_and_the_token(workspace):  # noqa: F811
    def echoing(repo_path, issue_text, settings, out_dir):  # a server that echoed the credentials back
        return SolveResult(
            "error",
            "",
            {},
            {},
            1.0,
            out_dir,
            error=f"the model server answered 401: Authorization: Bearer {API_KEY} (token {TOKEN})",
        )

    settings = Settings(llm=LLMConfig(base_url="http://127.0.0.1:9/v1", model="m", api_key=API_KEY))
    with FakeGitHub() as server:
        outcome = run_action(environ(server, "issues_labeled.json", "issues", workspace), echoing, settings)
    posted = server.requests[-1][2]["body"]
    assert outcome.status == "failed" and "answered 401" in posted
    assert API_KEY not in posted and TOKEN not in posted and API_KEY not in outcome.url
    assert posted.count("[redacted ") == 2
