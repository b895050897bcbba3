"""The model client: any OpenAI-compatible server (vLLM, SGLang, llama.cpp, Ollama) through the `openai` package.

Retries with backoff on 429, 5xx, timeouts and connection errors; a concurrency limit; token accounting;
native tool calls where the server has them and a text format where it does not (transparent to callers);
JSON-schema structured output where supported, with a prompt-only fallback.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import openai

from .config import LLMConfig, Settings
from .errors import UserError
from .prompts import render
from .secrets import Scrubber

log = logging.getLogger(__name__)

_TEXT_CALL = re.compile(r"<tool_call>\s*(.*?)\s*</tool_call>", re.DOTALL)
_RETRYABLE = (openai.APIConnectionError, openai.APITimeoutError, openai.RateLimitError, openai.InternalServerError)


class LLMError(UserError):
    """The model server failed for good (after retries) or refused the request."""


@dataclass
class ToolCall:
    id: str
    name: str
    arguments: dict[str, Any]
    raw_arguments: str = ""
    error: str | None = None  # set when the arguments were not a JSON object


@dataclass
class Usage:
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    retries: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, other: Usage) -> None:
        self.calls += other.calls
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.retries += other.retries

    def to_dict(self) -> dict[str, int]:
        return {**asdict(self), "total_tokens": self.total_tokens}


def cost_of(tokens: dict[str, Any], config: LLMConfig) -> float:
    """Dollars for the prompt and completion tokens in `tokens` at the configured per-million prices."""
    return (int(tokens.get("prompt_tokens", 0) or 0) * config.input_cost_per_million
            + int(tokens.get("completion_tokens", 0) or 0) * config.output_cost_per_million) / 1e6


@dataclass
class ChatResult:
    content: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    finish_reason: str | None = None
    seconds: float = 0.0
    request: dict[str, Any] = field(default_factory=dict)  # what was sent: messages (scrubbed), tools, sampling

    def assistant_message(self) -> dict[str, Any]:
        """This reply as a message to append to the conversation (OpenAI format)."""
        message: dict[str, Any] = {"role": "assistant", "content": self.content}
        if self.tool_calls:
            message["tool_calls"] = [
                {"id": c.id, "type": "function",
                 "function": {"name": c.name, "arguments": c.raw_arguments or json.dumps(c.arguments)}}
                for c in self.tool_calls
            ]
        return message


def estimate_tokens(text: str) -> int:
    """A rough token count (4 characters a token) for budgeting when the server reports none."""
    return max(1, len(text) // 4)


def parse_arguments(raw: str | None) -> tuple[dict[str, Any], str | None]:
    """Tool-call arguments as a dict, or an error message saying why they are not usable."""
    if not raw:
        return {}, None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        return {}, f"arguments are not valid JSON ({exc.msg} at position {exc.pos}); send a JSON object"
    if not isinstance(value, dict):
        return {}, "arguments must be a JSON object of parameter names to values"
    return value, None


def parse_text_tool_calls(content: str) -> list[ToolCall]:
    """Tool calls written in the text format (<tool_call>{"name":..., "arguments":...}</tool_call>)."""
    calls: list[ToolCall] = []
    for index, body in enumerate(_TEXT_CALL.findall(content)):
        call_id = f"text-{index}"
        try:
            data = json.loads(body)
        except json.JSONDecodeError as exc:
            calls.append(ToolCall(call_id, "", {}, body, f"tool call is not valid JSON ({exc.msg})"))
            continue
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            calls.append(ToolCall(call_id, "", {}, body, 'a tool call needs {"name": ..., "arguments": {...}}'))
            continue
        raw = json.dumps(data.get("arguments", {}))
        args, error = parse_arguments(raw)
        calls.append(ToolCall(call_id, data["name"], args, raw, error))
    return calls


def messages_as_text(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The conversation rewritten for a server without tool calling: calls and results become text."""
    out: list[dict[str, Any]] = []
    for message in messages:
        if message.get("role") == "assistant" and message.get("tool_calls"):
            blocks = [
                f'<tool_call>{{"name": {json.dumps(c["function"]["name"])}, '
                f'"arguments": {c["function"]["arguments"] or "{}"}}}</tool_call>'
                for c in message["tool_calls"]
            ]
            out.append({"role": "assistant", "content": "\n".join([message.get("content") or "", *blocks]).strip()})
        elif message.get("role") == "tool":
            name = message.get("name", "tool")
            out.append({"role": "user",
                        "content": f'<tool_result name="{name}">\n{message.get("content", "")}\n</tool_result>'})
        else:
            out.append(message)
    return out


class LLM:
    """A chat client for one OpenAI-compatible endpoint and model, with totals for the run."""

    def __init__(self, config: LLMConfig, scrubber: Scrubber | None = None) -> None:
        if not config.base_url or not config.model:
            raise UserError(
                "no model endpoint is configured: set REPOWRIGHT_BASE_URL and REPOWRIGHT_MODEL (or [llm] base_url "
                "and model in repowright.toml), or start one with `repowright serve --engine vllm --model M`"
            )
        self.config = config
        # Every request is scrubbed of the API key and secret-looking environment values before it leaves.
        self.scrubber = scrubber or Scrubber.from_environment(config.api_key)
        self.client = openai.OpenAI(base_url=config.base_url, api_key=config.api_key or "not-needed",
                                    timeout=config.timeout, max_retries=0)
        self.usage = Usage()
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(max(1, config.concurrency))
        self.native_tools = config.tool_mode != "text"
        self.native_json_schema = True

    def chat(self, messages: list[dict[str, Any]], *, tools: list[dict[str, Any]] | None = None,
             response_format: dict[str, Any] | None = None, max_tokens: int | None = None,
             temperature: float | None = None) -> ChatResult:
        """One completion; tool calls come back parsed whichever way the server supports them."""
        start = time.monotonic()
        with self._slots:
            result = self._chat(messages, tools, response_format, max_tokens, temperature)
        result.seconds = time.monotonic() - start
        with self._lock:
            self.usage.add(result.usage)
        return result

    def chat_json(self, messages: list[dict[str, Any]], schema: dict[str, Any], *, name: str = "reply",
                  max_tokens: int | None = None) -> tuple[Any, ChatResult]:
        """A completion that must be JSON matching `schema`; returns (parsed value, result)."""
        response_format = {"type": "json_schema", "json_schema": {"name": name, "schema": schema}}
        result = self.chat(messages, response_format=response_format, max_tokens=max_tokens)
        text = result.content.strip()
        fenced = re.search(r"```(?:json)?\s*(.*?)```", text, re.DOTALL)
        if fenced:
            text = fenced.group(1).strip()
        try:
            return json.loads(text), result
        except json.JSONDecodeError as exc:
            raise LLMError(f"the model's reply is not JSON ({exc.msg}); try a model that follows formats") from exc

    def _chat(self, messages, tools, response_format, max_tokens, temperature) -> ChatResult:
        use_native = bool(tools) and self.native_tools
        kwargs: dict[str, Any] = {"model": self.config.model,
                                  "temperature": self.config.temperature if temperature is None else temperature}
        if max_tokens:
            kwargs["max_tokens"] = max_tokens
        if response_format and self.native_json_schema:
            kwargs["response_format"] = response_format
        prepared = self._prepare(messages, tools, use_native, response_format)
        if use_native:
            kwargs["tools"] = tools
        try:
            response, retries = self._create(prepared, kwargs)
        except openai.BadRequestError as exc:
            text = str(exc).lower()
            if use_native and self.config.tool_mode == "auto" and "tool" in text:
                log.info("server refused native tool calls; switching to the text tool format")
                self.native_tools = False
                return self._chat(messages, tools, response_format, max_tokens, temperature)
            if "response_format" in kwargs and ("response_format" in text or "schema" in text):
                log.info("server refused JSON-schema output; asking for JSON in the prompt instead")
                self.native_json_schema = False
                return self._chat(messages, tools, response_format, max_tokens, temperature)
            raise LLMError(f"the model server refused the request: {exc.message}") from exc
        request = {"messages": prepared, "tools": tools if use_native else None,
                   **{k: v for k, v in kwargs.items() if k not in ("tools",)}}
        return self._result(response, prepared, use_native, bool(tools), retries, request)

    def _prepare(self, messages, tools, use_native, response_format) -> list[dict[str, Any]]:
        extra: list[str] = []
        if tools and not use_native:
            extra.append(render("tool_text_format", tools=[t["function"] for t in tools]))
        if response_format and not self.native_json_schema:
            extra.append(render("json_only", schema=response_format["json_schema"]["schema"]))
        prepared = self.scrubber.data(list(messages) if use_native else messages_as_text(list(messages)))
        if extra:
            prepared.append({"role": "system", "content": "\n".join(extra)})
        return prepared

    def _create(self, messages: list[dict[str, Any]], kwargs: dict[str, Any]) -> tuple[Any, int]:
        attempts = self.config.max_retries + 1
        for attempt in range(attempts):
            try:
                # our messages are plain dicts in the wire format; the SDK's TypedDicts describe the same shape
                return self.client.chat.completions.create(messages=messages, **kwargs), attempt  # type: ignore[arg-type]
            except _RETRYABLE as exc:
                if attempt == attempts - 1:
                    raise LLMError(
                        f"the model server at {self.config.base_url} failed {attempts} times "
                        f"(last: {type(exc).__name__}: {exc}); check that it runs and answers /v1/models"
                    ) from exc
                delay = min(self.config.retry_backoff * (2 ** attempt), 30.0)
                log.warning("model call failed (%s); retrying in %.1f s", type(exc).__name__, delay)
                time.sleep(delay)
            except openai.APIStatusError as exc:
                if isinstance(exc, openai.BadRequestError):
                    raise
                raise LLMError(f"the model server answered {exc.status_code}: {exc.message}") from exc
        raise AssertionError("unreachable")

    def _result(self, response: Any, prepared: list[dict[str, Any]], native: bool, wants_tools: bool,
                retries: int, request: dict[str, Any]) -> ChatResult:
        if not response.choices:
            raise LLMError("the model server returned no choices; check the model name")
        choice = response.choices[0]
        content = choice.message.content or ""
        calls: list[ToolCall] = []
        if native and choice.message.tool_calls:
            for c in choice.message.tool_calls:
                args, error = parse_arguments(c.function.arguments)
                calls.append(ToolCall(c.id, c.function.name, args, c.function.arguments or "", error))
        elif wants_tools:
            calls = parse_text_tool_calls(content)
        usage = Usage(calls=1, retries=retries)
        if response.usage is not None:
            usage.prompt_tokens = response.usage.prompt_tokens or 0
            usage.completion_tokens = response.usage.completion_tokens or 0
        else:
            usage.prompt_tokens = estimate_tokens(json.dumps(prepared))
            usage.completion_tokens = estimate_tokens(content)
        return ChatResult(content, calls, usage, choice.finish_reason, request=request)


def llm_from_settings(settings: Settings) -> LLM:
    """The client for the configured endpoint; a UserError that says how to configure one when missing."""
    return LLM(settings.llm)
