"""`repowright action`: read the workflow's event, solve the issue, answer with a pull request or a comment.

The run folder (report.html, trajectory.jsonl, patch.diff, result.json) is kept under $RUNNER_TEMP for the
workflow to upload as an artifact; the step's outputs (status, pr-url, patch-path, run-dir) go to $GITHUB_OUTPUT.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from repowright.sandbox import SandboxError

from ..config import Settings
from ..errors import UserError
from ..prompts import render
from ..secrets import Scrubber
from ..solver import Solver
from .changes import PatchError, patch_changes, touched_files
from .event import decide
from .github import GitHub, GitHubError

if TYPE_CHECKING:
    from ..solve.outputs import SolveResult

WORKING = "repowright is working on this issue{run}."
FAILED = "repowright could not resolve this issue: {reason}"
DIFF = "repowright proposes this change:\n\n```diff\n{patch}\n```"
OPENED = "repowright opened #{number} for this issue."
# Variables the action reads; the token is taken out of the process environment before solve runs.
SECRET_VARIABLES = ("GITHUB_TOKEN", "INPUT_GITHUB-TOKEN", "INPUT_GITHUB_TOKEN")


class NoPatchError(Exception):
    """The solve run ended without a patch to propose (its status and error say why)."""


# What ends an action run with a "failed" comment on the issue instead of a traceback: no patch, the sandbox, the
# checkout the patch is applied to, the GitHub API, a user-facing error (the model endpoint, the input), the disk.
ACTION_FAILURES = (NoPatchError, SandboxError, PatchError, GitHubError, UserError, OSError)


@dataclass
class ActionOutcome:
    """What the action did: acted or not, why, and where its answer is."""

    acted: bool
    reason: str
    status: str = "ignored"  # ignored | pull_request | comment | failed
    url: str = ""
    solve_status: str = ""  # patched | unverified | no_patch | error, when solve ran
    run_dir: str = ""


def _required(environ: MutableMapping[str, str], name: str) -> str:
    value = environ.get(name, "")
    if not value:
        raise UserError(f"{name} is not set; run `repowright action` inside a GitHub Actions workflow")
    return value


def run_action(
    environ: MutableMapping[str, str],
    solver: Solver,
    settings: Settings,
    *,
    label: str = "repowright",
    output: str = "pr",
) -> ActionOutcome:
    """Act on the event in GITHUB_EVENT_PATH as the workflow asked; post progress, result or failure."""
    if output not in ("pr", "comment"):
        raise UserError(f"output must be pr or comment, not {output!r}")
    event_path = Path(_required(environ, "GITHUB_EVENT_PATH"))
    try:
        payload = json.loads(event_path.read_bytes().decode("utf-8"))
    except (OSError, ValueError) as exc:  # ValueError: JSON and UTF-8 decoding errors
        raise UserError(
            f"cannot read the event payload {event_path} as JSON ({exc}); GITHUB_EVENT_PATH must be "
            "the workflow's event file"
        ) from exc
    if not isinstance(payload, dict):
        raise UserError(
            f"the event payload {event_path} is a JSON {type(payload).__name__}, not an object; "
            "GITHUB_EVENT_PATH must be the workflow's event file"
        )
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
    out_dir = run_folder(environ)
    write_outputs(environ, {"run-dir": str(out_dir)})  # first, so the upload step finds it even after a crash
    scrub = Scrubber.from_environment(settings.llm.api_key, extra=[token]).text
    solve_status = ""
    try:
        result = solver(workspace, trigger.issue_text, settings, out_dir)
        solve_status = result.status
        write_outputs(environ, {"status": result.status, "patch-path": str(out_dir / "patch.diff")})
        if not result.patched:
            raise NoPatchError(result.error or f"solve ended with status {result.status} and no patch")
        if output == "comment":
            posted = github.comment(issue, scrub(DIFF.format(patch=result.patch.rstrip())))
            return ActionOutcome(
                True, trigger.reason, "comment", posted.get("html_url", ""), solve_status, str(out_dir)
            )
        changes = patch_changes(workspace, result.patch)
        artifact = f"{run_url}#artifacts" if run_url else ""
        pr = github.open_pull_request(
            branch=f"repowright/issue-{issue}-{environ.get('GITHUB_RUN_ID') or os.getpid()}",
            title=f"Resolve #{issue}: {trigger.title}"[:200],
            body=scrub(pull_request_body(issue, result, run_note, artifact)),
            message=f"Resolve #{issue}: {trigger.title}\n\nProposed by repowright.",
            changes=changes,
        )
        github.comment(issue, OPENED.format(number=pr["number"]))
        write_outputs(environ, {"pr-url": pr.get("html_url", "")})
        return ActionOutcome(
            True, trigger.reason, "pull_request", pr.get("html_url", ""), solve_status, str(out_dir)
        )
    except ACTION_FAILURES as exc:
        reason = scrub(str(exc))
        try:
            github.comment(issue, FAILED.format(reason=reason[:1000]))
        except GitHubError:
            pass  # the API itself is failing; the workflow log still shows the reason
        return ActionOutcome(True, trigger.reason, "failed", reason, solve_status, str(out_dir))


def run_folder(environ: Mapping[str, str]) -> Path:
    """Where this run's outputs stay for the upload step: $RUNNER_TEMP/repowright-<run id> (never the checkout)."""
    base = Path(environ.get("RUNNER_TEMP") or tempfile.gettempdir())
    name = f"repowright-{environ.get('GITHUB_RUN_ID') or 'local'}-{environ.get('GITHUB_RUN_ATTEMPT', '1')}"
    folder = base / name
    if folder.exists():  # a rerun in the same runner: never mix two runs' evidence
        folder = base / f"{name}-{uuid.uuid4().hex[:6]}"
    folder.mkdir(parents=True)
    return folder


def write_outputs(environ: Mapping[str, str], values: dict[str, str]) -> None:
    """Append step outputs to $GITHUB_OUTPUT (name=value lines; nothing when not in a workflow)."""
    path = environ.get("GITHUB_OUTPUT")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as handle:
        for name, value in values.items():
            handle.write(f"{name}={' '.join(str(value).splitlines())}\n")


def pull_request_body(issue: int, result: SolveResult, run_note: str, artifact_url: str) -> str:
    """The pull request's description: summary, status, the checks table, the files touched, the evidence."""
    return render(
        "report/pull_request.md",
        issue=issue,
        summary=result.summary.strip(),
        status=result.status,
        reason=result.reason,
        checks=result.checks,
        environment_errors=result.environment_errors,
        files=touched_files(result.patch),
        artifact_url=artifact_url,
        run=run_note,
    )
