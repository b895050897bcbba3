"""Keeping the conversation inside the model's window: truncate tool output, fold old turns into a summary."""

from __future__ import annotations

import json
from typing import Any

KEEP_RECENT_TURNS = 6  # assistant turns (with their tool results) kept verbatim when folding
FILL_RATIO = 0.7  # fold old turns once the conversation passes this share of the window


def truncate(text: str, limit: int) -> str:
    """`text` cut to about `limit` characters, keeping its head and tail and saying how much was dropped."""
    if len(text) <= limit:
        return text
    head = text[: limit * 2 // 3]
    tail = text[-(limit // 3):]
    dropped = len(text) - len(head) - len(tail)
    return f"{head}\n[... {dropped} characters truncated ...]\n{tail}"


def estimate_tokens(messages: list[dict[str, Any]]) -> int:
    """A rough token count of a conversation (4 characters a token, tool-call arguments included)."""
    return len(json.dumps(messages, ensure_ascii=False)) // 4


def _turns(messages: list[dict[str, Any]], start: int) -> list[list[dict[str, Any]]]:
    """Messages from `start` grouped into turns: an assistant message with the tool results that answer it."""
    turns: list[list[dict[str, Any]]] = []
    for message in messages[start:]:
        if message.get("role") == "tool" and turns:
            turns[-1].append(message)
        else:
            turns.append([message])
    return turns


def _describe(turn: list[dict[str, Any]]) -> str:
    first = turn[0]
    if first.get("role") == "assistant" and first.get("tool_calls"):
        parts = []
        results = {m.get("tool_call_id"): m.get("content", "") for m in turn[1:]}
        for call in first["tool_calls"]:
            fn = call["function"]
            outcome = results.get(call["id"], "")
            status = outcome.splitlines()[0][:120] if outcome else "no result"
            parts.append(f"- {fn['name']}({fn['arguments'][:160]}) -> {status}")
        return "\n".join(parts)
    text = (first.get("content") or "").strip().replace("\n", " ")
    return f"- {first.get('role')}: {text[:200]}"


def fit_context(messages: list[dict[str, Any]], window: int, head: int = 2) -> list[dict[str, Any]]:
    """The conversation, with old turns folded into one summary message when it nears the window.

    The first `head` messages (system and task) and the last turns stay verbatim; tool calls stay paired
    with their results, which the API requires.
    """
    if estimate_tokens(messages) <= window * FILL_RATIO:
        return messages
    turns = _turns(messages, head)
    keep = KEEP_RECENT_TURNS
    while keep > 1:
        old, recent = turns[:-keep], turns[-keep:]
        summary = "Summary of earlier steps (folded to save context):\n" + "\n".join(_describe(t) for t in old)
        folded = [*messages[:head], {"role": "user", "content": summary}, *[m for t in recent for m in t]]
        if estimate_tokens(folded) <= window * FILL_RATIO or not old:
            return folded
        keep -= 1
    recent = turns[-1:]
    old = turns[:-1]
    summary = "Summary of earlier steps (folded to save context):\n" + "\n".join(_describe(t) for t in old)
    folded = [*messages[:head], {"role": "user", "content": truncate(summary, window)}]
    for message in (m for t in recent for m in t):
        if message.get("role") == "tool":
            message = {**message, "content": truncate(message.get("content", ""), window)}
        folded.append(message)
    return folded
