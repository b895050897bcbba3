"""Compare what a C program and its Rust translation did on one case, and say how they differ.

Pure functions over captured outputs (no sandbox here), so the rules are easy to test and to read:
stdout, stderr, exit code and output files must match; an optional tolerance lets printed floats differ.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field

# A printed number: decimal, exponent, or the words C and Rust use for the special values.
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|nan|NaN|inf(?:inity)?)")


@dataclass
class RunOutput:
    """What one program did on one case."""

    exit_code: int
    stdout: str
    stderr: str
    files: dict[str, str] = field(default_factory=dict)  # path -> sha256 of files the case left behind
    timed_out: bool = False


def _as_float(token: str) -> float:
    low = token.lower().lstrip("+")
    if low.endswith("nan"):
        return math.nan
    return float(low)


def texts_equal(expected: str, actual: str, float_tolerance: float | None = None) -> bool:
    """Equal text, or, with a tolerance, equal once numbers within `tolerance` (relative, at least absolute) match."""
    if expected == actual:
        return True
    if float_tolerance is None:
        return False
    if _NUMBER.split(expected) != _NUMBER.split(actual):
        return False
    left, right = _NUMBER.findall(expected), _NUMBER.findall(actual)
    if len(left) != len(right):
        return False
    for a_text, b_text in zip(left, right, strict=True):
        a, b = _as_float(a_text), _as_float(b_text)
        if math.isnan(a) or math.isnan(b):
            if not (math.isnan(a) and math.isnan(b)):
                return False
        elif a != b and abs(a - b) > float_tolerance * max(1.0, abs(a), abs(b)):
            return False
    return True


def _visible_lines(text: str) -> list[str]:
    """Lines for a diff; a missing final newline is shown the way git shows it."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def text_diff(name: str, expected: str, actual: str) -> str:
    """A unified diff of one stream, C (expected) against Rust (actual)."""
    lines = difflib.unified_diff(
        _visible_lines(expected), _visible_lines(actual), fromfile=f"{name} (C)", tofile=f"{name} (Rust)", n=2
    )
    return "".join(lines)


def compare_runs(
    c: RunOutput, rust: RunOutput, float_tolerance: float | None = None, compare_stderr: bool = True
) -> tuple[bool, str]:
    """(equal, readable diff) for one case; the diff is empty when they are equal."""
    parts = []
    if c.timed_out or rust.timed_out:
        parts.append(f"timed out: C {c.timed_out}, Rust {rust.timed_out}\n")
    if c.exit_code != rust.exit_code:
        parts.append(f"exit code: C {c.exit_code}, Rust {rust.exit_code}\n")
    if not texts_equal(c.stdout, rust.stdout, float_tolerance):
        parts.append(text_diff("stdout", c.stdout, rust.stdout))
    if compare_stderr and not texts_equal(c.stderr, rust.stderr, float_tolerance):
        parts.append(text_diff("stderr", c.stderr, rust.stderr))
    for path in sorted(set(c.files) | set(rust.files)):
        if c.files.get(path) != rust.files.get(path):
            state = "missing" if path not in rust.files else "extra" if path not in c.files else "differs"
            parts.append(f"output file {path}: {state} in Rust\n")
    return not parts, "".join(parts)
