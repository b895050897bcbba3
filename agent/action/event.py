"""Decide from a GitHub event payload whether repowright acts, and on which issue."""

from __future__ import annotations

from dataclasses import dataclass

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


def decide(event_name: str, payload: dict, label: str) -> Trigger:
    """Act on an issue labelled `label`, or on `/repowright solve` commented by an owner, member or collaborator."""
    issue = payload.get("issue") or {}
    if not issue:
        return Trigger(False, f"the {event_name or 'unknown'} event carries no issue")
    if issue.get("pull_request"):
        return Trigger(False, "the event concerns a pull request, not an issue")
    found = Trigger(True, "", int(issue.get("number", 0)), issue.get("title") or "", issue.get("body") or "")
    if event_name == "issues":
        if payload.get("action") == "labeled" and (payload.get("label") or {}).get("name") == label:
            found.reason = f"labelled {label}"
            return found
        return Trigger(False, f"issues event '{payload.get('action')}' without the {label} label being added")
    if event_name == "issue_comment":
        comment = payload.get("comment") or {}
        if payload.get("action") != "created" or not (comment.get("body") or "").strip().startswith(COMMAND):
            return Trigger(False, f"the comment does not start with {COMMAND}")
        association = comment.get("author_association", "NONE")
        if association not in TRUSTED_ASSOCIATIONS:
            return Trigger(False, f"{COMMAND} from {(comment.get('user') or {}).get('login', '?')} "
                                  f"({association}) is ignored: only owners, members and collaborators may ask")
        found.reason = f"{COMMAND} from {(comment.get('user') or {}).get('login', '?')} ({association})"
        return found
    return Trigger(False, f"repowright does not act on {event_name or 'unknown'} events")
