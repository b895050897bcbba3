"""The model client: any OpenAI-compatible server (vLLM, SGLang, llama.cpp, Ollama) through the `openai` package.

Retries (tenacity) on 429, 5xx, timeouts and connection errors, honouring Retry-After; each request's timeout
follows the run's deadline; a concurrency limit; token accounting (local counts when the server's are not
plausible); native tool calls where the server has them and a text format where it does not (transparent to
callers); JSON-schema structured output where supported, with a prompt-only fallback. What is sent is fitted to
the context window, what comes back is capped, and configured secrets never leave in an error or a reply.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import openai
import tenacity

from .config import LLMConfig, Settings
from .errors import UserError, require_endpoint
from .prompts import render
from .secrets import Scrubber

log = logging.getLogger(__name__)

_TEXT_CALL = re.compile(r"<tool_call>\s*(.*?)\s*</tool_call>", re.DOTALL)
_RETRYABLE = (
    openai.APIConnectionError,
    openai.APITimeoutError,
    openai.RateLimitError,
    openai.InternalServerError,
)
_WAIT_SLICE = 0.2  # seconds: how often a waiting caller looks for a pending interrupt
_abandoned = [0]  # bumped by abandon_requests: requests started before are given up


def abandon_requests() -> None:
    """Give up every model request now in flight in this process (an interrupted run's worker threads)."""
    _abandoned[0] += 1


MAX_RETRY_AFTER = 60.0  # seconds: a longer Retry-After is not waited for in full
IMPLAUSIBLE_RATIO = 4  # server counts under a quarter of the local estimate are not believed
MIN_CHECKED_TOKENS = 256  # below this the local estimate is too rough to contradict the server


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
    return (
        int(tokens.get("prompt_tokens", 0) or 0) * config.input_cost_per_million
        + int(tokens.get("completion_tokens", 0) or 0) * config.output_cost_per_million
    ) / 1e6


@dataclass
class ChatResult:
    content: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    finish_reason: str | None = None
    seconds: float = 0.0
    request: dict[str, Any] = field(
        default_factory=dict
    )  # what was sent: messages (scrubbed), tools, sampling

    def assistant_message(self) -> dict[str, Any]:
        """This reply as a message to append to the conversation (OpenAI format)."""
        message: dict[str, Any] = {"role": "assistant", "content": self.content}
        if self.tool_calls:
            message["tool_calls"] = [
                {
                    "id": c.id,
                    "type": "function",
                    "function": {"name": c.name, "arguments": c.raw_arguments or json.dumps(c.arguments)},
                }
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
            calls.append(
                ToolCall(call_id, "", {}, body, 'a tool call needs {"name": ..., "arguments": {...}}')
            )
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
            out.append(
                {"role": "assistant", "content": "\n".join([message.get("content") or "", *blocks]).strip()}
            )
        elif message.get("role") == "tool":
            name = message.get("name", "tool")
            out.append(
                {
                    "role": "user",
                    "content": f'<tool_result name="{name}">\n{message.get("content", "")}\n</tool_result>',
                }
            )
        else:
            out.append(message)
    return out


class LLM:
    """A chat client for one OpenAI-compatible endpoint and model, with totals for the run."""

    def __init__(
        self, config: LLMConfig, scrubber: Scrubber | None = None, *, deadline: float | None = None
    ) -> None:
        """`deadline` (time.monotonic()) ends every request and retry by then: the run's wall-time budget."""
        require_endpoint(config.base_url, config.model)
        self.config = config
        # Every request, reply and error is scrubbed of the API key and secret-looking environment values.
        self.scrubber = scrubber or Scrubber.from_environment(config.api_key)
        self.deadline = deadline
        self.client = self._new_client()
        self.usage = Usage()
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(max(1, config.concurrency))
        self.native_tools = config.tool_mode != "text"
        self.native_json_schema = True

    def chat(
        self,
        messages: list[dict[str, Any]],
        *,
        tools: list[dict[str, Any]] | None = None,
        response_format: dict[str, Any] | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
    ) -> ChatResult:
        """One completion; tool calls come back parsed whichever way the server supports them."""
        start = time.monotonic()
        with self._slots:
            result = self._chat(messages, tools, response_format, max_tokens, temperature)
        result.seconds = time.monotonic() - start
        log.debug(
            "model call: %d messages, %d tokens in, %d out, %d retries, %.2f s",
            len(messages),
            result.usage.prompt_tokens,
            result.usage.completion_tokens,
            result.usage.retries,
            result.seconds,
        )
        with self._lock:
            self.usage.add(result.usage)
        return result

    def chat_json(
        self,
        messages: list[dict[str, Any]],
        schema: dict[str, Any],
        *,
        name: str = "reply",
        max_tokens: int | None = None,
    ) -> tuple[Any, ChatResult]:
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
            raise LLMError(
                f"the model's reply is not JSON ({exc.msg}); try a model that follows formats"
            ) from exc

    def _chat(self, messages, tools, response_format, max_tokens, temperature) -> ChatResult:
        use_native = bool(tools) and self.native_tools
        kwargs: dict[str, Any] = {
            "model": self.config.model,
            "temperature": self.config.temperature if temperature is None else temperature,
        }
        # the reply's share of the window: at most max_output_tokens, and never more than a quarter of the window
        cap = min(self.config.max_output_tokens, max(256, self.config.context_window // 4))
        kwargs["max_tokens"] = min(max_tokens or cap, cap)
        if response_format and self.native_json_schema:
            kwargs["response_format"] = response_format
        prepared = fit_window(
            self._prepare(messages, tools, use_native, response_format),
            self.config.context_window - kwargs["max_tokens"],
        )
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
            raise LLMError(self._scrub(f"the model server refused the request: {exc.message}")) from exc
        request = {
            "messages": prepared,
            "tools": tools if use_native else None,
            **{k: v for k, v in kwargs.items() if k not in ("tools",)},
        }
        try:
            return self._result(response, prepared, use_native, bool(tools), retries, request)
        except (AttributeError, TypeError, IndexError, KeyError, ValueError) as exc:
            raise LLMError(
                self._scrub(
                    f"the model server at {self.config.base_url} sent a reply that is not a chat completion "
                    f"({type(exc).__name__}: {str(exc)[:200]}); check that the URL points at an OpenAI-compatible "
                    "/v1 endpoint"
                )
            ) from exc

    def _scrub(self, text: str) -> str:
        return self.scrubber.text(text)

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
        """The server's response, retried on transient faults within max_retries and the deadline."""
        attempts = self.config.max_retries + 1
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(attempts) | _StopAtDeadline(self._seconds_left),
            wait=lambda state: _retry_wait(state, self.config.retry_backoff, self._seconds_left()),
            retry=tenacity.retry_if_exception_type(_RETRYABLE),
            reraise=True,
            before_sleep=_log_retry,
        )
        try:
            for attempt in retrying:
                with attempt:
                    timeout = self._request_timeout()
                    response = self._interruptible({"messages": messages, "timeout": timeout, **kwargs})
                    return response, attempt.retry_state.attempt_number - 1
        except _RETRYABLE as exc:
            tries = retrying.statistics.get("attempt_number", attempts)
            why = "the run's time budget ran out" if self._seconds_left() <= 0 else f"it failed {tries} times"
            raise LLMError(
                self._scrub(
                    f"the model server at {self.config.base_url} did not answer: {why} (last: {type(exc).__name__}: "
                    f"{exc}); check that it runs and answers /v1/models"
                )
            ) from exc
        except openai.APIStatusError as exc:
            if isinstance(exc, openai.BadRequestError):
                raise
            raise LLMError(
                self._scrub(f"the model server answered {exc.status_code}: {exc.message}")
            ) from exc
        except json.JSONDecodeError as exc:
            raise LLMError(
                self._scrub(
                    f"the model server at {self.config.base_url} sent a reply that is not JSON "
                    f"({exc.msg}); check that the URL points at an OpenAI-compatible /v1 "
                    "endpoint"
                )
            ) from exc
        raise AssertionError("unreachable")

    def _new_client(self) -> openai.OpenAI:
        return openai.OpenAI(
            base_url=self.config.base_url,
            api_key=self.config.api_key or "not-needed",
            timeout=self.config.timeout,
            max_retries=0,
        )

    def _interruptible(self, request: dict[str, Any]) -> Any:
        """A chat completion of `request`, given up at once when the run is interrupted (Ctrl-C) meanwhile.

        A request blocked in a socket read holds a KeyboardInterrupt back until the server answers or the
        request times out (minutes) whenever the signal does not break that read, e.g. when the kernel hands
        it to another thread (a progress bar's). So the request runs on a helper thread while the caller
        waits in short, interruptible slices; on an interrupt (or `abandon_requests`, for callers on worker
        threads, which never see KeyboardInterrupt) the client is closed, the request left to die with its
        daemon thread, and a fresh client kept for any later call.
        """
        client, generation = self.client, _abandoned[0]

        def call() -> Any:
            # our messages are plain dicts in the wire format; the SDK's TypedDicts describe the same shape
            return client.chat.completions.create(**request)

        done = threading.Event()
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["value"] = call()
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread below
                outcome["error"] = exc
            finally:
                done.set()

        threading.Thread(target=run, name="model-request", daemon=True).start()
        try:
            while not done.wait(_WAIT_SLICE):
                if _abandoned[0] != generation:
                    raise LLMError("the model request was abandoned: the run was interrupted")
        except BaseException:
            self.client = self._new_client()
            threading.Thread(target=client.close, name="model-client-close", daemon=True).start()
            raise
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    def _seconds_left(self) -> float:
        return float("inf") if self.deadline is None else self.deadline - time.monotonic()

    def _request_timeout(self) -> float:
        """This request's timeout: the configured one, cut to what is left of the run's deadline."""
        left = self._seconds_left()
        if left <= 0:
            raise LLMError("the run's time budget is spent; no model call was made")
        return max(0.1, min(self.config.timeout, left))

    def _result(
        self,
        response: Any,
        prepared: list[dict[str, Any]],
        native: bool,
        wants_tools: bool,
        retries: int,
        request: dict[str, Any],
    ) -> ChatResult:
        if not response.choices:
            raise LLMError("the model server returned no choices; check the model name")
        choice = response.choices[0]
        finish = choice.finish_reason
        content, cut = self._cap(choice.message.content or "")
        calls: list[ToolCall] = []
        if native and choice.message.tool_calls:
            for c in choice.message.tool_calls:
                raw, cut_args = self._cap(c.function.arguments or "")
                args, error = parse_arguments(raw) if not cut_args else ({}, "arguments too long; send less")
                calls.append(ToolCall(str(c.id), str(c.function.name), args, raw, error))
                cut = cut or cut_args
        elif wants_tools:
            calls = parse_text_tool_calls(content)
        if cut:
            log.warning(
                "the model's reply was cut to %d characters (max_reply_chars)", self.config.max_reply_chars
            )
            finish = "length"
        usage = Usage(calls=1, retries=retries)
        sent = estimate_tokens(json.dumps(prepared))
        received = estimate_tokens(content + "".join(c.raw_arguments for c in calls)) + cut
        reported = response.usage
        usage.prompt_tokens = plausible_tokens(getattr(reported, "prompt_tokens", None), sent)
        usage.completion_tokens = plausible_tokens(getattr(reported, "completion_tokens", None), received)
        return ChatResult(self._scrub(content), calls, usage, finish, request=request)

    def _cap(self, text: str) -> tuple[str, int]:
        """`text` cut to max_reply_chars, and the tokens of what was cut (0 when nothing was)."""
        limit = self.config.max_reply_chars
        if len(text) <= limit:
            return text, 0
        return text[:limit], estimate_tokens(text[limit:])


def plausible_tokens(reported: int | None, estimate: int) -> int:
    """The server's count, unless missing or far below the local estimate (then the estimate)."""
    if not isinstance(reported, int) or isinstance(reported, bool) or reported < 0:
        return estimate
    if estimate >= MIN_CHECKED_TOKENS and reported * IMPLAUSIBLE_RATIO < estimate:
        log.warning(
            "the server counted %d tokens where about %d were exchanged; counting locally", reported, estimate
        )
        return estimate
    return reported


def fit_window(messages: list[dict[str, Any]], limit_tokens: int) -> list[dict[str, Any]]:
    """`messages` with the longest contents cut (head and tail kept) until the estimate fits `limit_tokens`."""
    limit_tokens = max(256, limit_tokens)
    out = list(messages)
    for _ in range(len(out) + 1):
        excess = estimate_tokens(json.dumps(out)) - limit_tokens
        if excess <= 0:
            break
        index = max(range(len(out)), key=lambda i: len(str(out[i].get("content") or "")))
        text = str(out[index].get("content") or "")
        keep = max(0, len(text) - excess * 4 - 200)
        if not text:
            break
        out[index] = {
            **out[index],
            "content": text[: keep * 2 // 3]
            + f"\n[... {len(text) - keep} characters cut to fit the context window ...]\n"
            + text[len(text) - keep // 3 :]
            if keep
            else "[cut to fit the context window]",
        }
    return out


def retry_after_seconds(exc: BaseException | None) -> float | None:
    """The wait a 429/503 response asks for (Retry-After, or retry-after-ms), in seconds."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    try:
        if headers.get("retry-after-ms"):
            return float(headers["retry-after-ms"]) / 1000
        if headers.get("retry-after"):
            return float(headers["retry-after"])
    except ValueError:
        pass
    return None


class _StopAtDeadline(tenacity.stop.stop_base):
    """Stop retrying once the run's deadline has passed."""

    def __init__(self, seconds_left: Callable[[], float]) -> None:
        self.seconds_left = seconds_left

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        return self.seconds_left() <= 0


def _log_retry(state: tenacity.RetryCallState) -> None:
    failure = state.outcome.exception() if state.outcome else None
    log.warning(
        "model call failed (%s); retrying in %.1f s",
        type(failure).__name__,
        state.next_action.sleep if state.next_action else 0.0,
    )


def _retry_wait(state: tenacity.RetryCallState, backoff: float, seconds_left: float) -> float:
    """Retry-After when the server gives it (at most a minute), else backoff doubling to 30 s; never past the
    deadline."""
    asked = retry_after_seconds(state.outcome.exception() if state.outcome else None)
    delay = (
        min(asked, MAX_RETRY_AFTER)
        if asked is not None
        else min(backoff * 2 ** (state.attempt_number - 1), 30.0)
    )
    return max(0.0, min(delay, seconds_left))


def llm_from_settings(settings: Settings, *, deadline: float | None = None) -> LLM:
    """The client for the configured endpoint; a UserError that says how to configure one when missing."""
    return LLM(settings.llm, deadline=deadline)
