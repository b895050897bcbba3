"""Fetching an issue over GitHub's REST API, against a local HTTP server."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from repowright.agent.errors import UserError
from repowright.agent.solve.github import fetch_issue, parse_issue_ref


class FakeGitHub:
    """Serves /repos/octo/hello/issues/7 and records the headers of each request."""

    def __init__(self) -> None:
        self.headers: list[dict[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                outer.headers.append(dict(self.headers))
                if self.path == "/repos/octo/hello/issues/7":
                    body, status = {"title": "Crash on empty input", "body": "Steps: call f([])."}, 200
                else:
                    body, status = {"message": "Not Found"}, 404
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> FakeGitHub:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_parse_issue_ref():
    assert parse_issue_ref("octo/hello.py#12") == ("octo", "hello.py", 12)
    with pytest.raises(UserError, match="owner/repo#NUMBER"):
        parse_issue_ref("octo/hello")


def test_fetch_issue_with_token():
    with FakeGitHub() as gh:
        text = fetch_issue("octo/hello#7", api_url=gh.url, token="t0k")
    assert text == "Crash on empty input\n\nSteps: call f([])."
    assert gh.headers[0]["Authorization"] == "Bearer t0k"
    assert gh.headers[0]["Accept"] == "application/vnd.github+json"


def test_missing_issue_and_unreachable_server_are_one_line_errors(monkeypatch):
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    with FakeGitHub() as gh:
        with pytest.raises(UserError, match="GitHub answered 404 for octo/hello#8; check the name"):
            fetch_issue("octo/hello#8", api_url=gh.url)
        assert "Authorization" not in gh.headers[0]
        url = gh.url
    with pytest.raises(UserError, match="could not fetch octo/hello#7"):
        fetch_issue("octo/hello#7", api_url=url, timeout=2)
