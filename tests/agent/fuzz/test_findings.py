"""Classification and deduplication of run results (pure; the runs themselves are tested in the sandbox)."""

from __future__ import annotations

import signal

from repowright.agent.fuzz.findings import classify, deduplicate, normalize_message, signature


def test_classes_follow_the_issue():
    assert classify("ci", {"status": "signal", "signal": signal.SIGSEGV}) == "crash"
    assert classify("vi", {"status": "signal", "signal": signal.SIGKILL}) == "resource"
    assert classify("vi", {"status": "timeout"}) == "hang"
    assert (
        classify(
            "vi",
            {
                "status": "exception",
                "exc_type": "RuntimeError",
                "message": "t.numel() INTERNAL ASSERT FAILED at x.cpp:12",
            },
        )
        == "internal_assert"
    )
    assert (
        classify(
            "boundary",
            {
                "status": "exception",
                "exc_type": "RuntimeError",
                "message": "DefaultCPUAllocator: can't allocate memory",
            },
        )
        == "resource"
    )
    assert (
        classify(
            "ci",
            {
                "status": "exception",
                "exc_type": "RuntimeError",
                "message": "Check failed: index < size (5 vs. 3)",
            },
        )
        == "internal_assert"
    )
    assert (
        classify("ci", {"status": "mismatch", "message": "tensor([1.]) then tensor([2.])"}) == "wrong_result"
    )
    error = {"status": "exception", "exc_type": "ValueError", "message": "bad"}
    assert classify("ci", error) == "rejected" and classify("vi", error) == "expected_error"
    assert classify("vi", {"status": "ok"}) == "vi_accepted" and classify("ci", {"status": "ok"}) == "ok"


def test_messages_that_differ_only_in_numbers_are_one_finding():
    a = "Expected size 3 but got 4 at 0x7ffd12 in /src/aten/Conv.cpp:120"
    b = "Expected size 5 but got 1 at 0x7ffe99 in /src/aten/Conv.cpp:121"
    assert normalize_message(a) == normalize_message(b)
    records = [
        {
            "id": "f#0",
            "api": "f",
            "kind": "ci",
            "cls": "internal_assert",
            "result": {
                "status": "exception",
                "exc_type": "RuntimeError",
                "message": "INTERNAL ASSERT FAILED " + a,
            },
        },
        {
            "id": "f#1",
            "api": "f",
            "kind": "ci",
            "cls": "internal_assert",
            "result": {
                "status": "exception",
                "exc_type": "RuntimeError",
                "message": "INTERNAL ASSERT FAILED " + b,
            },
        },
        {
            "id": "f#4",
            "api": "f",
            "kind": "ci",
            "cls": "rejected",
            "result": {"status": "exception", "exc_type": "RuntimeError", "message": a},
        },
        {
            "id": "f#2",
            "api": "f",
            "kind": "vi",
            "cls": "crash",
            "violated": ["x", "range"],
            "result": {"status": "signal", "signal": 11},
        },
        {"id": "g#0", "api": "g", "kind": "vi", "cls": "crash", "result": {"status": "signal", "signal": 11}},
        {"id": "f#3", "api": "f", "kind": "vi", "cls": "expected_error", "result": {"status": "exception"}},
    ]
    findings = deduplicate(records)
    assert [(f.api, f.cls, f.count) for f in findings] == [
        ("f", "crash", 1),
        ("g", "crash", 1),
        ("f", "internal_assert", 2),
    ]
    assert findings[0].constraint == "violates the documented range of `x` (all other constraints kept)"
    assert signature("f", "crash", {"signal": 11}) == "f | crash | SIGSEGV"
