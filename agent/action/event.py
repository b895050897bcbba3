"""Decide from a GitHub event payload whether repowright acts, and on which issue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import UserError

TRUSTED_ASSOCIATIONS = ("OWNER", "MEMBER", "COLLABORATOR")
COMMAND = "/repowright solve"


@dataclass
class Trigger:
    """The decision: `act` with the issue to solve, or not, with the reason."""

    act: bool
    reason: str
    issue_number: int = 0
    title: str = ""
    body: str = ""

    @property
    def issue_text(self) -> str:
        return f"{self.title}\n\n{self.body}".strip()


def _field(data: dict, key: str, kind: type, default: Any) -> Any:
    """`data[key]` when it has the type GitHub sends, the default when absent; a UserError when malformed."""
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, kind) or isinstance(value, bool):
        raise UserError(
            f"the event payload's {key!r} is {type(value).__name__}, not {kind.__name__}; "
            "GITHUB_EVENT_PATH must be the workflow's event file"
        )
    return value


def decide(event_name: str, payload: dict, label: str) -> Trigger:
    """Act on an issue labelled `label`, or on `/repowright solve` commented by an owner, member or collaborator."""
    issue = _field(payload, "issue", dict, {})
    if not issue:
        return Trigger(False, f"the {event_name or 'unknown'} event carries no issue")
    if issue.get("pull_request"):
        return Trigger(False, "the event concerns a pull request, not an issue")
    found = Trigger(
        True,
        "",
        _field(issue, "number", int, 0),
        _field(issue, "title", str, ""),
        _field(issue, "body", str, ""),
    )
    labelled, comment = _field(payload, "label", dict, {}), _field(payload, "comment", dict, {})
    if event_name == "issues":
        if payload.get("action") == "labeled" and labelled.get("name") == label:
            found.reason = f"labelled {label}"
            return found
        return Trigger(False, f"issues event '{payload.get('action')}' without the {label} label being added")
    if event_name == "issue_comment":
        body, user = _field(comment, "body", str, ""), _field(comment, "user", dict, {})
        if payload.get("action") != "created" or not body.strip().startswith(COMMAND):
            return Trigger(False, f"the comment does not start with {COMMAND}")
        association = comment.get("author_association", "NONE")
        if association not in TRUSTED_ASSOCIATIONS:
            return Trigger(
                False,
                f"{COMMAND} from {user.get('login', '?')} "
                f"({association}) is ignored: only owners, members and collaborators may ask",
            )
        found.reason = f"{COMMAND} from {user.get('login', '?')} ({association})"
        return found
    return Trigger(False, f"repowright does not act on {event_name or 'unknown'} events")
