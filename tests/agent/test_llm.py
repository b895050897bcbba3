"""The model client against the scripted server, through the real openai package."""

from __future__ import annotations

import json
import signal
import threading
import time

import pytest

from repowright.agent.config import LLMConfig
from repowright.agent.errors import UserError
from repowright.agent.llm import LLM, LLMError, messages_as_text, parse_text_tool_calls
from tests.scripted_server import Fault, Reply, ScriptedServer

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "view_file",
            "description": "Show a file.",
            "parameters": {
                "type": "object",
                "properties": {"path": {"type": "string"}},
                "required": ["path"],
            },
        },
    }
]
# An upper bound for the ordering check below, not a speed target: far beyond any delay a loaded machine adds.
RELEASE_AFTER = 60.0


def make_llm(srv: ScriptedServer, **overrides) -> LLM:
    config = dict(
        base_url=srv.base_url, model="scripted", api_key="x", timeout=2.0, max_retries=2, retry_backoff=0.01
    )
    config.update(overrides)
    return LLM(LLMConfig(**config))


def test_plain_completion_and_token_accounting():
    with ScriptedServer([Reply(content="hello"), Reply(content="again")]) as srv:
        llm = make_llm(srv)
        first = llm.chat([{"role": "user", "content": "hi"}])
        second = llm.chat([{"role": "user", "content": "hi"}])
    assert first.content == "hello"
    assert first.usage.prompt_tokens > 0 and first.usage.completion_tokens > 0
    assert llm.usage.calls == 2
    assert llm.usage.total_tokens == first.usage.total_tokens + second.usage.total_tokens
    assert srv.requests[0]["model"] == "scripted"


def test_native_tool_call_is_parsed():
    with ScriptedServer([Reply(tool_calls=[("view_file", {"path": "a.py"})])]) as srv:
        result = make_llm(srv).chat([{"role": "user", "content": "look"}], tools=TOOLS)
    assert [(c.name, c.arguments, c.error) for c in result.tool_calls] == [
        ("view_file", {"path": "a.py"}, None)
    ]
    assert srv.requests[0]["tools"][0]["function"]["name"] == "view_file"
    assert result.assistant_message()["tool_calls"][0]["function"]["name"] == "view_file"


def test_text_fallback_when_server_has_no_tool_calling():
    with ScriptedServer([Reply(tool_calls=[("view_file", {"path": "b.py"})])], native_tools=False) as srv:
        llm = make_llm(srv)
        result = llm.chat([{"role": "user", "content": "look"}], tools=TOOLS)
    assert [(c.name, c.arguments) for c in result.tool_calls] == [("view_file", {"path": "b.py"})]
    assert llm.native_tools is False
    # first request was refused (400), the retry carried the text format and no tools
    assert "tools" in srv.requests[0] and "tools" not in srv.requests[1]
    assert "<tool_call>" in srv.requests[1]["messages"][-1]["content"]


def test_malformed_tool_call_arguments_are_reported_not_raised():
    with ScriptedServer([Fault("malformed_tool_call")]) as srv:
        result = make_llm(srv).chat([{"role": "user", "content": "edit"}], tools=TOOLS)
    assert len(result.tool_calls) == 1
    assert result.tool_calls[0].error and "not valid JSON" in result.tool_calls[0].error


def test_retries_500_and_timeout_then_succeeds():
    # the timeout fault hangs until the server stops, so only it outlasts the client's timeout
    with ScriptedServer([Fault("500"), Fault("timeout"), Reply(content="ok")]) as srv:
        llm = make_llm(srv, timeout=3.0)
        result = llm.chat([{"role": "user", "content": "hi"}])
    assert result.content == "ok"
    assert result.usage.retries == 2 and len(srv.requests) == 3  # one retry per injected fault


def test_gives_up_after_retries_with_one_line_error():
    with ScriptedServer([Fault("500")] * 5) as srv:
        with pytest.raises(LLMError, match="failed 3 times"):
            make_llm(srv).chat([{"role": "user", "content": "hi"}])


def test_connection_refused_is_a_clear_error():
    with ScriptedServer([]) as srv:
        url = srv.base_url
    llm = LLM(LLMConfig(base_url=url, model="m", timeout=1, max_retries=1, retry_backoff=0.01))
    with pytest.raises(LLMError, match="check that it runs"):
        llm.chat([{"role": "user", "content": "hi"}])


def test_json_schema_output_and_prompt_fallback():
    schema = {"type": "object", "properties": {"score": {"type": "integer"}}}
    with ScriptedServer([Reply(content='{"score": 7}')]) as srv:
        value, _ = make_llm(srv).chat_json([{"role": "user", "content": "rate"}], schema)
    assert value == {"score": 7} and srv.requests[0]["response_format"]["type"] == "json_schema"
    with ScriptedServer([Reply(content='```json\n{"score": 3}\n```')], json_schema=False) as srv:
        value, _ = make_llm(srv).chat_json([{"role": "user", "content": "rate"}], schema)
    assert value == {"score": 3}
    assert (
        "response_format" not in srv.requests[1]
        and "JSON schema" in srv.requests[1]["messages"][-1]["content"]
    )


def test_missing_endpoint_says_how_to_configure():
    with pytest.raises(UserError, match="REPOWRIGHT_BASE_URL.*repowright serve"):
        LLM(LLMConfig())


def test_text_format_round_trip():
    calls = parse_text_tool_calls(
        'thinking <tool_call>{"name": "x", "arguments": {"a": 1}}</tool_call>'
        '<tool_call>{"name": "y", "arguments": </tool_call>'
    )
    assert (calls[0].name, calls[0].arguments, calls[0].error) == ("x", {"a": 1}, None)
    assert calls[1].error is not None
    history = [
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {"id": "1", "type": "function", "function": {"name": "x", "arguments": '{"a": 1}'}}
            ],
        },
        {"role": "tool", "tool_call_id": "1", "name": "x", "content": "result"},
    ]
    text = messages_as_text(history)
    assert parse_text_tool_calls(text[0]["content"])[0].arguments == {"a": 1}
    assert text[1]["role"] == "user" and "result" in text[1]["content"]


def test_retry_after_is_honoured_and_a_dropped_connection_retried(caplog):
    script = [Fault("disconnect"), Fault("429", retry_after="1"), Fault("429"), Reply(content="ok")]
    with ScriptedServer(script) as srv, caplog.at_level("WARNING", logger="repowright.agent.llm"):
        result = make_llm(srv, max_retries=3, retry_backoff=0.01).chat([{"role": "user", "content": "hi"}])
    assert result.content == "ok" and result.usage.retries == 3 and len(srv.requests) == 4
    waits = [r.getMessage() for r in caplog.records if "retrying in" in r.getMessage()]
    assert waits == [
        "model call failed (APIConnectionError); retrying in 0.0 s",
        "model call failed (RateLimitError); retrying in 1.0 s",  # the server's Retry-After
        "model call failed (RateLimitError); retrying in 0.0 s",
    ]


@pytest.mark.parametrize("kind", ["garbage", "bad_shape"])
def test_a_reply_that_is_not_a_completion_says_it_came_from_the_server(kind):
    with ScriptedServer([Fault(kind)]) as srv:
        with pytest.raises(LLMError, match=f"the model server at {srv.base_url} sent a reply that is not"):
            make_llm(srv).chat([{"role": "user", "content": "hi"}])


def test_an_echoed_api_key_is_redacted():
    with ScriptedServer([Fault("echo_auth")]) as srv:
        with pytest.raises(LLMError) as info:
            make_llm(srv, api_key="sk-user-secret-1234").chat([{"role": "user", "content": "hi"}])
    assert "answered 401" in str(info.value) and "sk-user-secret-1234" not in str(info.value)
    assert "Bearer [redacted api_key]" in str(info.value)


def test_a_huge_reply_is_capped_and_counted_locally():
    huge = "x" * 10_000_000
    with ScriptedServer([Reply(content=huge, usage={"prompt_tokens": 1, "completion_tokens": 1})]) as srv:
        result = make_llm(srv, max_reply_chars=50_000).chat([{"role": "user", "content": "hi"}])
    assert len(result.content) == 50_000 and result.finish_reason == "length"
    assert result.usage.completion_tokens >= len(huge) // 4  # the server's "1" is not believed
    assert srv.requests[0]["max_tokens"] == 4096  # the configured cap is always sent


def test_max_tokens_never_exceeds_the_cap_and_the_prompt_fits_the_window():
    with ScriptedServer([Reply(content="a"), Reply(content="b")]) as srv:
        llm = make_llm(srv, context_window=8192, max_output_tokens=1024)
        llm.chat([{"role": "user", "content": "hi"}], max_tokens=100_000)
        llm.chat([{"role": "system", "content": "be brief"}, {"role": "user", "content": "y" * 2_000_000}])
    assert [r["max_tokens"] for r in srv.requests] == [1024, 1024]
    sent = srv.requests[1]["messages"]
    assert len(json.dumps(sent)) // 4 <= 8192 - 1024
    assert sent[0]["content"] == "be brief" and "cut to fit the context window" in sent[1]["content"]


def test_request_timeout_follows_the_run_deadline():
    with ScriptedServer([Fault("timeout", seconds=120)] * 3) as srv:
        llm = make_llm(srv, timeout=120.0, max_retries=2)
        llm.deadline = time.monotonic() + 2.0
        start = time.monotonic()
        with pytest.raises(LLMError, match="time budget"):
            llm.chat([{"role": "user", "content": "hi"}])
    # generous and relative: the configured request timeout alone would take 120 s (and 360 s with retries)
    assert time.monotonic() - start < llm.config.timeout / 4


def test_an_interrupt_abandons_a_request_the_server_still_holds():
    """Ctrl-C during a model call ends it while the server still holds the request, even when the kernel
    hands the signal to another thread (here: on purpose), which does not break the main thread's socket read;
    the client stays usable afterwards."""
    steps = iter([Fault("timeout"), Reply(content="ok")])  # the first request hangs until released
    with ScriptedServer(responder=lambda body: next(steps)) as srv:
        llm = make_llm(srv, timeout=600.0, max_retries=0)
        returned, held_on = threading.Event(), []

        def interrupt_then_wait() -> None:
            while not srv.requests:
                time.sleep(0.05)
            signal.pthread_kill(
                threading.get_ident(), signal.SIGINT
            )  # lands on this thread, not the main one
            if not returned.wait(RELEASE_AFTER):
                held_on.append("the call came back only when the server let the request go")
                srv._stopped.set()  # release the hanging request (what a request timeout would do, later)

        helper = threading.Thread(target=interrupt_then_wait)
        helper.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                llm.chat([{"role": "user", "content": "hang"}])
        finally:
            returned.set()
            helper.join()
        assert not held_on, held_on[0]
        assert llm.chat([{"role": "user", "content": "again"}]).content == "ok"
        assert len(srv.requests) == 2  # the interrupted request was not retried
