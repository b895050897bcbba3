"""Fetch an issue's text from GitHub's REST API (GITHUB_API_URL, default api.github.com; token from GITHUB_TOKEN)."""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request

from ..errors import UserError

_REF = re.compile(r"^([\w.-]+)/([\w.-]+)#(\d+)$")


def parse_issue_ref(ref: str) -> tuple[str, str, int]:
    """(owner, repo, number) from "owner/repo#N"."""
    match = _REF.match(ref.strip())
    if not match:
        raise UserError(f"--github expects owner/repo#NUMBER (for example octo/hello#12), not {ref!r}")
    return match.group(1), match.group(2), int(match.group(3))


def fetch_issue(
    ref: str, *, api_url: str | None = None, token: str | None = None, timeout: float = 30.0
) -> str:
    """The issue's title and body as one text, ready to hand to the solver."""
    owner, repo, number = parse_issue_ref(ref)
    base = (api_url or os.environ.get("GITHUB_API_URL") or "https://api.github.com").rstrip("/")
    token = token if token is not None else os.environ.get("GITHUB_TOKEN")
    request = urllib.request.Request(
        f"{base}/repos/{owner}/{repo}/issues/{number}",
        headers={
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "repowright",
            **({"Authorization": f"Bearer {token}"} if token else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        hint = (
            "check the name and number" if exc.code == 404 else "set GITHUB_TOKEN to a token that can read it"
        )
        raise UserError(f"GitHub answered {exc.code} for {owner}/{repo}#{number}; {hint}") from exc
    except (urllib.error.URLError, TimeoutError, json.JSONDecodeError) as exc:
        raise UserError(
            f"could not fetch {owner}/{repo}#{number} from {base} ({exc}); check GITHUB_API_URL and "
            "the network, or pass the text with --issue-file"
        ) from exc
    title, body = data.get("title") or "", data.get("body") or ""
    if not title and not body:
        raise UserError(f"{owner}/{repo}#{number} has no title or body to solve")
    return f"{title}\n\n{body}".strip()
