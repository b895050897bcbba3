"""A local HTTP server standing in for the GitHub REST API: records every request, answers like GitHub."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BASE_SHA = "b" * 40


class FakeGitHub:
    """Answers the endpoints the action uses; `requests` holds (method, path, json body, authorization)."""

    def __init__(self, fail: str | None = None) -> None:
        self.requests: list[tuple[str, str, dict | None, str]] = []
        self.fail = fail  # a path regex answered with 422, to exercise failure reporting
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _serve(self) -> None:
                size = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(size)) if size else None
                owner.requests.append((self.command, self.path, body, self.headers.get("Authorization", "")))
                status, answer = owner.answer(self.command, self.path, body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, method: str, path: str, body: dict | None) -> tuple[int, dict]:
        if self.fail and re.search(self.fail, path):
            return 422, {"message": "Validation Failed"}
        routes = [
            (
                "POST",
                r"/issues/(\d+)/comments$",
                lambda m: {"id": 1, "html_url": f"https://github.test/c/{m[1]}"},
            ),
            ("GET", r"/repos/[^/]+/[^/]+$", lambda m: {"default_branch": "main"}),
            ("GET", r"/git/ref/heads/main$", lambda m: {"object": {"sha": BASE_SHA}}),
            ("GET", rf"/git/commits/{BASE_SHA}$", lambda m: {"tree": {"sha": "t" * 40}}),
            ("POST", r"/git/blobs$", lambda m: {"sha": "1" * 40}),
            ("POST", r"/git/trees$", lambda m: {"sha": "2" * 40}),
            ("POST", r"/git/commits$", lambda m: {"sha": "3" * 40}),
            ("POST", r"/git/refs$", lambda m: {"ref": body["ref"]}),
            (
                "POST",
                r"/pulls$",
                lambda m: {"number": 12, "html_url": "https://github.test/octo/calc/pull/12"},
            ),
        ]
        for verb, pattern, reply in routes:
            match = re.search(pattern, path)
            if verb == method and match:
                return (201 if method == "POST" else 200), reply(match)
        return 404, {"message": "Not Found"}

    def __enter__(self) -> FakeGitHub:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
