"""Boundary inputs: the edges of each value's structure (DocTer's boundary values, several at once), and mutation
of inputs the library already accepted, so the boundaries reach code past argument validation."""

from __future__ import annotations

import copy
import random
from typing import TYPE_CHECKING

from . import values as v
from .values import Spec

if TYPE_CHECKING:
    from .generate import Case, _Generator

# How many arguments one boundary input changes: crashes often need two edges at once (a NaN matrix and a
# huge size), while each extra change makes an early rejection by the library more likely.
MUTATION_COUNTS = ((1, 0.5), (2, 0.3), (3, 0.2))
# Element types no documentation promises and many kernels were never built for.
EXOTIC_DTYPES = ["uint16", "uint32", "uint64", "float8_e4m3fn", "float8_e5m2", "complex32"]
HIGH_RANKS = [7, 9, 25, 26, 33]  # 25: TensorIterator's MAX_DIMS; beyond it kernels take other paths
NONE_SHARE = 0.05  # None where a value is expected: undefined tensors reach C++ code


def _pools() -> dict:
    from .generate import pools

    return pools()["boundary"]


def apply_boundaries(gen: _Generator, case: Case, count: int | None = None) -> bool:
    """Replace one to three arguments of `case` with boundary values; False when none can take one."""
    rng = gen.rng
    params = [p for p in gen.api.params.values() if p.structure]
    if not params:
        return False
    if count is None:
        count = _weighted(rng, MUTATION_COUNTS)
    args, notes = dict(case.args), []
    for param in rng.sample(params, min(count, len(params))):
        spec = args.get(param.name) or gen.value(param)
        if spec is None:
            continue
        changed, name = boundary_value(spec, rng)
        if changed is None:
            continue
        args[param.name] = changed
        notes.append(f"{param.name}: {name}")
    if not notes:
        return False
    case.args = {n: args[n] for n in gen.api.params if n in args}
    case.kind, case.boundary, case.violated = "boundary", "; ".join(notes), None
    return True


def _weighted(rng: random.Random, table: tuple[tuple[int, float], ...]) -> int:
    roll = rng.random()
    for value, share in table:
        if roll < share:
            return value
        roll -= share
    return table[-1][0]


def boundary_value(spec: Spec, rng: random.Random) -> tuple[Spec | None, str]:
    """A boundary variant of one value and its name (None: the value's kind has no boundary here)."""
    if rng.random() < NONE_SHARE:
        return v.scalar("none"), "None"
    kind = spec["kind"]
    if kind == "tensor":
        return tensor_boundary(spec, rng)
    if kind == "int":
        value = int(rng.choice(_pools()["int"]))
        return v.scalar("int", value), f"int:{value}"
    if kind == "float":
        text = rng.choice(_pools()["float"])
        return v.scalar("float", float(text)), f"float:{text}"
    if kind == "seq":
        return seq_boundary(spec, rng)
    return None, ""


def tensor_boundary(spec: Spec, rng: random.Random) -> tuple[Spec, str]:
    """A tensor at an edge: its values (NaN, inf, extreme integers), its shape (empty, huge but empty, high
    rank), its layout (non-contiguous, zero stride), its dtype, or no tensor at all (a Python scalar)."""
    pool = _pools()["tensor"]
    name = rng.choice(list(pool) + ["empty_huge", "high_rank", "int_extreme", "wide_ints", "python_scalar"])
    shape = list(spec["shape"])
    if name in pool:
        out = {**spec, **pool[name]}
    else:
        out = dict(spec)
    if name == "empty":
        out["shape"] = _with_zero(shape, rng)
    elif name == "empty_huge":
        out["shape"] = _with_zero(shape or [1], rng)
        big = [i for i, size in enumerate(out["shape"]) if size != 0]
        if not big:
            out["shape"].append(2**31)
        else:
            out["shape"][rng.choice(big)] = rng.choice([2**31, 2**40, 2**62])
    elif name == "high_rank":
        out["shape"] = [1] * max(0, rng.choice(HIGH_RANKS) - len(shape)) + shape
    elif name == "other_dtype":
        out["dtype"] = rng.choice([d for d in v.ALL_DTYPES + EXOTIC_DTYPES if d != spec["dtype"]])
        out["fill"], out["low"], out["high"] = "int", 0, 1
    elif name == "int_extreme":
        value = int(rng.choice(_pools()["int"]))
        out["fill"], out["low"], out["high"] = "full_int", value, value
    elif name == "wide_ints":
        out["fill"], out["low"], out["high"] = "int", -(2**15), 2**15
    elif name == "python_scalar":
        return (
            v.scalar("int", int(rng.choice(_pools()["int"])))
            if rng.random() < 0.5
            else v.scalar("float", float(rng.choice(_pools()["float"])))
        ), name
    return out, name


def _with_zero(shape: list[int], rng: random.Random) -> list[int]:
    if not shape:
        return [0]
    out = list(shape)
    out[rng.randrange(len(out))] = 0
    return out


def seq_boundary(spec: Spec, rng: random.Random) -> tuple[Spec | None, str]:
    """A sequence at an edge: one or every item extreme, no items, or many items."""
    items = list(spec["items"])
    name = rng.choice(["item", "every_item", "empty", "long"])
    if name == "empty":
        return v.seq([], spec["container"]), "empty sequence"
    if not items:
        return None, ""
    if name == "long":
        length = rng.randint(5, 9)
        return v.seq([copy.deepcopy(items[i % len(items)]) for i in range(length)], spec["container"]), (
            f"{length} items"
        )
    scalars = [i for i, item in enumerate(items) if item["kind"] in ("int", "float")]
    if not scalars:  # a sequence of tensors: an edge of one of them
        index = rng.randrange(len(items))
        changed, inner = (
            tensor_boundary(items[index], rng) if items[index]["kind"] == "tensor" else (None, "")
        )
        if changed is None:
            return None, ""
        items[index] = changed
        return v.seq(items, spec["container"]), f"item {index} {inner}"
    value = int(rng.choice(_pools()["int"]))
    targets = scalars if name == "every_item" else [rng.choice(scalars)]
    for index in targets:
        items[index] = v.scalar("int", value)
    return v.seq(items, spec["container"]), f"{'every item' if name == 'every_item' else 'item'} {value}"


def mutate_accepted(gen: _Generator, base: Case, case_id: str) -> Case | None:
    """A boundary input built on an input the library ran without error (FreeFuzz-style mutation): the edges
    then reach the kernels instead of the argument checks. None if no argument of `base` takes a boundary."""
    from .generate import Case

    gen.sizes = dict(base.sizes)
    case = Case(case_id, base.api, "boundary", copy.deepcopy(base.args), dict(base.sizes), seed=base.seed)
    if not apply_boundaries(gen, case):
        return None
    case.boundary = f"{case.boundary} (on accepted input {base.id})"
    return case
