"""A small GitHub REST client (urllib): comments, and a pull request built with the Git Data API."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Any

API_VERSION = "2022-11-28"


class GitHubError(RuntimeError):
    """The API refused a request; the message names the request and GitHub's answer."""


class GitHub:
    """Requests on one repository with the workflow token (held here only, never passed on)."""

    def __init__(self, api_url: str, repository: str, token: str, *, timeout: float = 30) -> None:
        self.base = f"{api_url.rstrip('/')}/repos/{repository}"
        self._token = token
        self.timeout = timeout

    def request(self, method: str, path: str, body: dict | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self._token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": "repowright",
                **({"Content-Type": "application/json"} if data is not None else {}),
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                text = resp.read().decode()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:300]
            raise GitHubError(f"{method} {path} answered {exc.code}: {detail}") from exc
        except urllib.error.URLError as exc:
            raise GitHubError(f"{method} {path} failed: {exc.reason}") from exc
        return json.loads(text) if text.strip() else None

    def comment(self, issue: int, body: str) -> dict:
        return self.request("POST", f"/issues/{issue}/comments", {"body": body})

    def open_pull_request(
        self,
        *,
        branch: str,
        title: str,
        body: str,
        message: str,
        changes: list[tuple[str, str, bytes | None]],
    ) -> dict:
        """Commit `changes` [(path, mode, content or None to delete)] on a new branch off the default one; open a PR."""
        default = self.request("GET", "")["default_branch"]
        base_sha = self.request("GET", f"/git/ref/heads/{default}")["object"]["sha"]
        base_tree = self.request("GET", f"/git/commits/{base_sha}")["tree"]["sha"]
        entries = []
        for path, mode, content in changes:
            sha = None
            if content is not None:
                sha = self.request(
                    "POST",
                    "/git/blobs",
                    {"content": base64.b64encode(content).decode(), "encoding": "base64"},
                )["sha"]
            entries.append({"path": path, "mode": mode, "type": "blob", "sha": sha})
        tree = self.request("POST", "/git/trees", {"base_tree": base_tree, "tree": entries})["sha"]
        commit = self.request(
            "POST", "/git/commits", {"message": message, "tree": tree, "parents": [base_sha]}
        )["sha"]
        self.request("POST", "/git/refs", {"ref": f"refs/heads/{branch}", "sha": commit})
        return self.request("POST", "/pulls", {"title": title, "head": branch, "base": default, "body": body})
