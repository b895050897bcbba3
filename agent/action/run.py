"""`repowright action`: read the workflow's event, solve the issue, answer with a pull request or a comment."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings
from ..errors import UserError
from ..redact import configured_secrets, redact
from ..solver import Solver
from .changes import PatchError, patch_changes
from .event import decide
from .github import GitHub, GitHubError

WORKING = "repowright is working on this issue{run}."
FAILED = "repowright could not resolve this issue: {reason}"
DIFF = "repowright proposes this change:\n\n```diff\n{patch}\n```"
OPENED = "repowright opened #{number} for this issue."
PR_BODY = "Resolves #{issue}.\n\nProposed by repowright{run}; review before merging."
# Variables the action reads; the token is taken out of the process environment before solve runs.
SECRET_VARIABLES = ("GITHUB_TOKEN", "INPUT_GITHUB-TOKEN", "INPUT_GITHUB_TOKEN")


@dataclass
class ActionOutcome:
    """What the action did: acted or not, why, and where its answer is."""

    acted: bool
    reason: str
    status: str = "ignored"  # ignored | pull_request | comment | failed
    url: str = ""


def _required(environ: MutableMapping[str, str], name: str) -> str:
    value = environ.get(name, "")
    if not value:
        raise UserError(f"{name} is not set; run `repowright action` inside a GitHub Actions workflow")
    return value


def run_action(environ: MutableMapping[str, str], solver: Solver, settings: Settings, *, label: str = "repowright",
               output: str = "pr") -> ActionOutcome:
    """Act on the event in GITHUB_EVENT_PATH as the workflow asked; post progress, result or failure."""
    if output not in ("pr", "comment"):
        raise UserError(f"output must be pr or comment, not {output!r}")
    event_path = Path(_required(environ, "GITHUB_EVENT_PATH"))
    try:
        payload = json.loads(event_path.read_bytes().decode("utf-8"))
    except (OSError, ValueError) as exc:  # ValueError: JSON and UTF-8 decoding errors
        raise UserError(f"cannot read the event payload {event_path} as JSON ({exc}); GITHUB_EVENT_PATH must be "
                        "the workflow's event file") from exc
    if not isinstance(payload, dict):
        raise UserError(f"the event payload {event_path} is a JSON {type(payload).__name__}, not an object; "
                        "GITHUB_EVENT_PATH must be the workflow's event file")
    trigger = decide(environ.get("GITHUB_EVENT_NAME", ""), payload, label)
    if not trigger.act:
        return ActionOutcome(False, trigger.reason)
    repository = _required(environ, "GITHUB_REPOSITORY")
    token = _required(environ, "GITHUB_TOKEN")
    for name in SECRET_VARIABLES:  # nothing solve starts (sandbox, model client) can see the token
        environ.pop(name, None)
    github = GitHub(environ.get("GITHUB_API_URL", "https://api.github.com"), repository, token)
    run_url = ""
    if environ.get("GITHUB_RUN_ID"):
        server = environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
        run_url = f"{server}/{repository}/actions/runs/{environ['GITHUB_RUN_ID']}"
    run_note = f" (run: {run_url})" if run_url else ""
    issue = trigger.issue_number
    github.comment(issue, WORKING.format(run=run_note))
    workspace = Path(environ.get("GITHUB_WORKSPACE") or os.getcwd())
    try:
        with tempfile.TemporaryDirectory(prefix="repowright-action-") as out_dir:
            result = solver(workspace, trigger.issue_text, settings, Path(out_dir))
        if not result.patched:
            raise RuntimeError(result.error or f"solve ended with status {result.status} and no patch")
        if output == "comment":
            posted = github.comment(issue, DIFF.format(patch=result.patch.rstrip()))
            return ActionOutcome(True, trigger.reason, "comment", posted.get("html_url", ""))
        changes = patch_changes(workspace, result.patch)
        pr = github.open_pull_request(
            branch=f"repowright/issue-{issue}-{environ.get('GITHUB_RUN_ID') or os.getpid()}",
            title=f"Resolve #{issue}: {trigger.title}"[:200], body=PR_BODY.format(issue=issue, run=run_note),
            message=f"Resolve #{issue}: {trigger.title}\n\nProposed by repowright.", changes=changes)
        github.comment(issue, OPENED.format(number=pr["number"]))
        return ActionOutcome(True, trigger.reason, "pull_request", pr.get("html_url", ""))
    except (RuntimeError, PatchError, GitHubError, UserError, OSError) as exc:
        reason = redact(str(exc), [token, *configured_secrets(settings.llm.api_key)])
        try:
            github.comment(issue, FAILED.format(reason=reason[:1000]))
        except GitHubError:
            pass  # the API itself is failing; the workflow log still shows the reason
        return ActionOutcome(True, trigger.reason, "failed", reason)
