"""A scripted OpenAI-compatible HTTP server for tests: canned replies, tool calls and injected faults.

Tests reach it through the real `openai` client, so everything between our code and the wire is exercised.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """A completion: text, and/or tool calls given as (name, arguments) with arguments a dict or raw string."""

    content: str | None = None
    tool_calls: list[tuple[str, dict[str, Any] | str]] = field(default_factory=list)
    finish_reason: str | None = None
    usage: dict[str, int] | None = (
        None  # reported instead of the server's own count (e.g. an implausible one)
    )


@dataclass
class Fault:
    """An injected failure: "500", "429" (with a Retry-After of `retry_after` when set), "timeout",
    "malformed_tool_call", "disconnect", "garbage" (a body that is not JSON), "bad_shape" ({"choices": "nope"}),
    "echo_auth" (a 401 whose body quotes the request's Authorization header).

    "timeout" hangs for `seconds`, or (None) until the server stops, so any client timeout expires on it while
    replies that are not faults stay immediate: a test need not make every request's timeout short.
    """

    kind: str
    seconds: float | None = None
    retry_after: str | None = None


Step = Reply | Fault


class ScriptedServer:
    """Serves /v1/models and /v1/chat/completions from a script (in order) or a responder function."""

    def __init__(
        self,
        script: list[Step] | None = None,
        responder: Callable[[dict], Step] | None = None,
        *,
        native_tools: bool = True,
        json_schema: bool = True,
        model: str = "scripted",
    ) -> None:
        self.script = list(script or [])
        self.responder = responder
        self.native_tools = native_tools
        self.json_schema = json_schema
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped.set()  # releases requests hanging on a "timeout" fault
        self._httpd.shutdown()
        self._httpd.server_close()

    def next_step(self, body: dict[str, Any]) -> Step | None:
        with self._lock:
            self.requests.append(body)
            if self.responder is not None:
                return self.responder(body)
            return self.script.pop(0) if self.script else None

    def completion(self, body: dict[str, Any], reply: Reply) -> dict[str, Any]:
        """The JSON body of a chat completion carrying `reply`."""
        message: dict[str, Any] = {"role": "assistant", "content": reply.content or ""}
        calls = [
            (name, args if isinstance(args, str) else json.dumps(args)) for name, args in reply.tool_calls
        ]
        if calls and self.native_tools:
            message["tool_calls"] = [
                {
                    "id": f"call_{len(self.requests)}_{i}",
                    "type": "function",
                    "function": {"name": name, "arguments": raw},
                }
                for i, (name, raw) in enumerate(calls)
            ]
        elif calls:
            blocks = [
                f'<tool_call>{{"name": {json.dumps(name)}, "arguments": {raw}}}</tool_call>'
                for name, raw in calls
            ]
            message["content"] = "\n".join([reply.content or "", *blocks]).strip()
        prompt_tokens = len(json.dumps(body.get("messages", []))) // 4
        completion_tokens = max(1, len(json.dumps(message)) // 4)
        if reply.usage is not None:
            prompt_tokens, completion_tokens = reply.usage["prompt_tokens"], reply.usage["completion_tokens"]
        finish = reply.finish_reason or ("tool_calls" if calls and self.native_tools else "stop")
        return {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def _send(
                self, status: int, data: dict[str, Any] | bytes, headers: dict[str, str] | None = None
            ) -> None:
                payload = data if isinstance(data, bytes) else json.dumps(data).encode()
                try:
                    self.send_response(status)
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first (an injected timeout): nothing is left to answer

            def _error(self, status: int, message: str) -> None:
                self._send(status, {"error": {"message": message, "type": "scripted", "code": status}})

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._send(200, {"object": "list", "data": [{"id": server.model, "object": "model"}]})
                else:
                    self._error(404, f"no route {self.path}")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._error(404, f"no route {self.path}")
                    return
                if body.get("tools") and not server.native_tools:
                    server.requests.append(body)
                    self._error(
                        400, '"auto" tool choice requires --enable-auto-tool-choice: tools not supported'
                    )
                    return
                if body.get("response_format", {}).get("type") == "json_schema" and not server.json_schema:
                    server.requests.append(body)
                    self._error(400, "response_format json_schema is not supported")
                    return
                step = server.next_step(body)
                if step is None:
                    self._error(
                        400, f"scripted server: script exhausted after {len(server.requests)} requests"
                    )
                elif isinstance(step, Reply):
                    self._send(200, server.completion(body, step))
                elif step.kind == "429" and step.retry_after is not None:
                    self._send(
                        429,
                        {"error": {"message": "injected 429", "type": "scripted", "code": 429}},
                        {"Retry-After": step.retry_after},
                    )
                elif step.kind in ("500", "429"):
                    self._error(int(step.kind), f"injected {step.kind}")
                elif step.kind == "garbage":
                    self._send(200, b"<html>this is not json{")
                elif step.kind == "bad_shape":
                    self._send(200, {"choices": "nope"})
                elif step.kind == "echo_auth":
                    self._error(
                        401, f"invalid credentials: Authorization: {self.headers.get('Authorization')}"
                    )
                elif step.kind == "timeout":
                    server._stopped.wait(step.seconds)
                    self._error(500, "injected timeout (the client should have given up)")
                elif step.kind == "malformed_tool_call":
                    self._send(
                        200, server.completion(body, Reply(tool_calls=[("edit_file", '{"path": "a.py", ')]))
                    )
                elif step.kind == "disconnect":
                    self.close_connection = True
                    self.connection.close()
                else:
                    self._error(500, f"unknown fault {step.kind}")

        return Handler
