"""Context management: tool output truncation and folding of old turns."""

from __future__ import annotations

import json

from repowright.agent.solve.context import estimate_tokens, fit_context, truncate


def test_truncate_keeps_head_and_tail_and_says_how_much():
    text = "HEAD" + "x" * 5_000_000 + "TAIL"
    out = truncate(text, 9000)
    assert out.startswith("HEAD") and out.endswith("TAIL")
    assert len(out) < 9100
    assert f"{len(text) - 6000 - 3000} characters truncated" in out


def test_short_text_is_unchanged():
    assert truncate("abc", 10) == "abc"


def _conversation(turns: int, size: int) -> list[dict]:
    messages = [{"role": "system", "content": "sys"}, {"role": "user", "content": "task"}]
    for i in range(turns):
        messages.append(
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": f"c{i}",
                        "type": "function",
                        "function": {"name": "view_file", "arguments": json.dumps({"path": f"f{i}.py"})},
                    }
                ],
            }
        )
        messages.append({"role": "tool", "tool_call_id": f"c{i}", "name": "view_file", "content": "y" * size})
    return messages


def test_small_conversation_is_left_alone():
    messages = _conversation(3, 100)
    assert fit_context(messages, 32768) is messages


def test_old_turns_are_folded_into_a_summary_within_the_window():
    messages = _conversation(40, 4000)
    window = 16000
    folded = fit_context(messages, window)
    assert estimate_tokens(folded) <= window
    assert folded[:2] == messages[:2]
    assert "view_file" in folded[2]["content"] and "f0.py" in folded[2]["content"]
    # every tool result still follows the assistant message that asked for it
    ids = set()
    for message in folded:
        if message["role"] == "assistant":
            ids = {c["id"] for c in message.get("tool_calls", [])}
        if message["role"] == "tool":
            assert message["tool_call_id"] in ids
    assert folded[-1] == messages[-1]


def test_a_single_huge_turn_is_truncated_to_fit():
    messages = _conversation(2, 400_000)
    folded = fit_context(messages, 8000)
    assert estimate_tokens(folded) < 8000 * 2
    assert folded[-1]["role"] == "tool" and "truncated" in folded[-1]["content"]
