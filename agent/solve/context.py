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
    tail = text[-(limit // 3) :]
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
    for keep in range(min(KEEP_RECENT_TURNS, len(turns) - 1), 0, -1):
        folded = _fold(messages[:head], turns[:-keep], turns[-keep:], window)
        if estimate_tokens(folded) <= window * FILL_RATIO:
            return folded
    # Still too big: keep only the last turn, with its tool results cut to a share of the window.
    folded = _fold(messages[:head], turns[:-1], turns[-1:], window)
    share = max(1000, int(window * 4 * FILL_RATIO) // max(1, len(folded)))
    return [
        {**m, "content": truncate(m.get("content") or "", share)}
        if m.get("role") in ("tool", "user") and i >= head
        else m
        for i, m in enumerate(folded)
    ]


def _fold(
    head: list[dict[str, Any]],
    old: list[list[dict[str, Any]]],
    recent: list[list[dict[str, Any]]],
    window: int,
) -> list[dict[str, Any]]:
    """The head, one summary message for the `old` turns (when any), then the `recent` turns verbatim."""
    out = list(head)
    if old:
        summary = "Summary of earlier steps (folded to save context):\n" + "\n".join(
            _describe(t) for t in old
        )
        out.append({"role": "user", "content": truncate(summary, window)})
    out.extend(m for t in recent for m in t)
    return out
