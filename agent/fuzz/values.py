"""Input values as plain data (JSON-able specs), and the checks of a value against one parameter's constraints."""

from __future__ import annotations

import math
import re
from typing import Any

from repowright.analyzers.doc_constraints import ApiConstraints, ParamConstraints

Spec = dict[str, Any]
FLOAT_DTYPES = ["float16", "bfloat16", "float32", "float64"]
INT_DTYPES = ["uint8", "int8", "int16", "int32", "int64"]
ALL_DTYPES = FLOAT_DTYPES + INT_DTYPES + ["bool", "complex64", "complex128"]
SCALAR_KINDS = {
    "int",
    "float",
    "bool",
    "str",
    "none",
    "dtype",
    "device",
    "layout",
    "memory_format",
    "generator",
    "callable",
}


def tensor(
    shape: list[int],
    dtype: str = "float32",
    low: float = -math.inf,
    high: float = math.inf,
    fill: str = "randn",
    layout: str = "contiguous",
    device: str = "cpu",
) -> Spec:
    """A tensor spec: values drawn by `fill` within [low, high] (randn: unbounded, rand: [0, 1))."""
    return {
        "kind": "tensor",
        "shape": list(shape),
        "dtype": dtype,
        "fill": fill,
        "low": low,
        "high": high,
        "layout": layout,
        "device": device,
    }


def scalar(kind: str, value: Any = None) -> Spec:
    return {"kind": kind, "value": value}


def seq(items: list[Spec], container: str = "tuple") -> Spec:
    return {"kind": "seq", "items": items, "container": container}


def structure_of(spec: Spec) -> set[str]:
    """The documented structures a value satisfies (an int is also a number and a float; a bool is only a bool)."""
    kind = spec["kind"]
    if kind == "tensor":
        return {"tensor"}
    if kind == "int":
        return {"int", "number", "float"}
    if kind == "float":
        return {"float", "number"}
    if kind == "seq":
        inner = [structure_of(i) for i in spec["items"]]
        kinds = set()
        for element in ("int", "float", "tensor"):
            if all(element in s for s in inner):
                kinds.add(f"sequence({element})")
        return kinds
    return {kind}


def parse_interval(text: str) -> tuple[float, float, bool, bool] | None:
    """`[0, 1]` -> (0, 1, True, True); `(0, inf)` -> (0, inf, False, False); None for symbolic bounds."""
    match = re.fullmatch(r"([\[(])\s*(-?[\w.]+)\s*,\s*(-?[\w.]+)\s*([\])])", text.strip())
    if not match:
        return None
    try:
        low, high = float(match.group(2)), float(match.group(3))
    except ValueError:
        return None
    return low, high, match.group(1) == "[", match.group(4) == "]"


def in_interval(value: float, interval: tuple[float, float, bool, bool]) -> bool:
    low, high, closed_low, closed_high = interval
    if math.isnan(value):
        return False
    above = value >= low if closed_low else value > low
    below = value <= high if closed_high else value < high
    return above and below


def violations(param: ParamConstraints, spec: Spec | None, sizes: dict[str, int]) -> list[str]:
    """The constraint categories of `param` that `spec` breaks (None means: left at its default)."""
    if spec is None:
        return [] if param.optional else ["optional"]
    if spec["kind"] == "none":
        return [] if param.optional or "None" in param.structure else ["structure"]
    if param.structure and not structure_of(spec) & set(param.structure):
        return ["structure"]
    broken: list[str] = []
    if spec["kind"] == "tensor":
        if param.dtype and spec["dtype"] not in param.dtype:
            broken.append("dtype")
        if param.ndim and len(spec["shape"]) not in param.ndim:
            broken.append("ndim")
        elif param.shape and not any(shape_matches(alt, spec["shape"], sizes) for alt in param.shape):
            broken.append("shape")
    interval = parse_interval(param.range) if param.range else None
    if interval is not None and not _within(spec, interval):
        broken.append("range")
    if param.enum and spec["kind"] == "str" and spec["value"] not in param.enum:
        broken.append("enum")
    return broken


def _within(spec: Spec, interval: tuple[float, float, bool, bool]) -> bool:
    kind = spec["kind"]
    if kind in ("int", "float"):
        return in_interval(float(spec["value"]), interval)
    if kind == "tensor":
        if 0 in spec["shape"]:
            return True  # no elements, nothing out of range
        low, high = spec["low"], spec["high"]
        if spec["fill"] in ("nan",):
            return False
        lo_ok = in_interval(low, interval) or (low == interval[0] and interval[2])
        hi_ok = in_interval(high, interval) or (high == interval[1] and spec["fill"] == "rand")
        return lo_ok and hi_ok
    if kind == "seq":
        return all(
            _within(item, interval) for item in spec["items"] if item["kind"] in ("int", "float", "tensor")
        )
    return True


def shape_matches(alternative: list[str], shape: list[int], sizes: dict[str, int]) -> bool:
    """Whether a concrete shape fits a documented one: literals and shared names must agree; `*`/`...` stretch."""
    if any(d == "*" or "..." in d for d in alternative):
        fixed = [d for d in alternative if not (d == "*" or "..." in d)]
        return len(shape) >= len(fixed)
    if len(alternative) != len(shape):
        return False
    for dim, size in zip(alternative, shape, strict=True):
        expected = resolve_dim(dim, sizes)
        if expected is not None and expected != size:
            return False
    return True


def resolve_dim(dim: str, sizes: dict[str, int]) -> int | None:
    """The size a documented dimension stands for: a literal, a known name, or `a/b` of known names."""
    if dim.isdigit():
        return int(dim)
    if dim in sizes:
        return sizes[dim]
    if re.fullmatch(r"\w+/\w+", dim):
        a, b = dim.split("/")
        if a in sizes and b in sizes and sizes[b]:
            return sizes[a] // sizes[b]
    return None


def case_violations(
    api: ApiConstraints, args: dict[str, Spec], sizes: dict[str, int]
) -> list[tuple[str, str]]:
    """Every (parameter, category) a whole call breaks."""
    return [
        (name, category)
        for name, param in api.params.items()
        for category in violations(param, args.get(name), sizes)
    ]
