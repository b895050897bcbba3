"""Input generation: conforming inputs (CI), violating inputs (VI, one broken constraint each) and boundary values."""

from __future__ import annotations

import functools
import math
import random
import re
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from repowright.analyzers.doc_constraints import ApiConstraints, ParamConstraints

from . import values as v
from .boundary import apply_boundaries, mutate_accepted
from .values import Spec

POOLS = Path(__file__).parent / "data" / "value_pools.yaml"
VIOLABLE = ("structure", "dtype", "ndim", "shape", "range", "enum")
# Boundary inputs found every crash of the earlier campaigns, violating ones none: they get the larger share.
KIND_MIX = (("ci", 0.3), ("vi", 0.2), ("boundary", 0.5))


@cache
def pools() -> dict:
    """Boundary values and violation pools (data, not logic)."""
    return yaml.safe_load(POOLS.read_text())


@dataclass
class Case:
    """One input for one API: which parameters get which values, and what it is meant to test."""

    id: str
    api: str
    kind: str  # ci | vi | boundary
    args: dict[str, Spec]
    sizes: dict[str, int] = field(default_factory=dict)
    violated: list[str] | None = None  # [param, category] for a VI
    boundary: str | None = None  # which boundary value a boundary case carries
    seed: int = 0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Case:
        return cls(**data)


def generate_cases(api: ApiConstraints, count: int, seed: int) -> list[Case]:
    """`count` reproducible cases for `api`: the i-th case depends only on (seed, api, i)."""
    return [generate_case(api, i, seed) for i in range(count)]


def generate_case(api: ApiConstraints, index: int, seed: int) -> Case:
    rng = random.Random(f"{seed}:{api.api}:{index}")
    roll, kind = rng.random(), "ci"
    for name, share in KIND_MIX:
        if roll < share:
            kind = name
            break
        roll -= share
    case_seed = rng.randrange(2**31)
    for _attempt in range(8):
        gen = _Generator(api, rng)
        args = gen.conforming()
        case = Case(f"{api.api}#{index}", api.api, "ci", args, gen.sizes, seed=case_seed)
        if kind == "vi" and _violate(gen, case):
            return case
        if kind == "boundary" and apply_boundaries(gen, case):
            return case
        if kind == "ci" or _attempt == 7:
            broken = v.case_violations(api, case.args, case.sizes)
            if not broken:
                return case
    # constraints the generator cannot satisfy together: not a conforming input, so not counted as one
    case.kind, case.boundary = "boundary", "unsatisfied: " + ", ".join(f"{p} {c}" for p, c in broken)
    return case


def mutate_case(api: ApiConstraints, base: Case, index: int, seed: int) -> Case:
    """The `index`-th input of `api` as boundary values on an input the library accepted (`base`); a freshly
    generated input when none of `base`'s arguments takes one. Depends only on (seed, api, index, base)."""
    rng = random.Random(f"{seed}:{api.api}:{index}:mutate")
    case = mutate_accepted(_Generator(api, rng), base, f"{api.api}#{index}")
    return case if case is not None else generate_case(api, index, seed)


class _Generator:
    """Draws values for one call, keeping named dimensions and integer arguments consistent across parameters."""

    def __init__(self, api: ApiConstraints, rng: random.Random) -> None:
        self.api, self.rng = api, rng
        self.sizes: dict[str, int] = {}
        self.base_shape = [rng.randint(1, 4) for _ in range(rng.randint(1, 3))]
        self.spatial = self._spatial_rank()

    def _spatial_rank(self) -> int:
        for param in self.api.params.values():
            if "tensor" in param.structure and param.ndim:
                return max(1, max(param.ndim) - 2)
        return self.rng.randint(1, 2)

    def conforming(self) -> dict[str, Spec]:
        args: dict[str, Spec] = {}
        for param in self.api.params.values():  # an omitted integer argument takes its default in shapes
            default = _literal(param.default)
            if isinstance(default, int) and not isinstance(default, bool):
                self.sizes[param.name] = default
        params = list(self.api.params.values())
        scalars = [p for p in params if "tensor" not in p.structure]
        for phase in (scalars, [p for p in params if p not in scalars]):
            for param in phase:
                if param.optional and (
                    self.rng.random() < 0.45 or param.name == "out" or not param.structure
                ):
                    continue
                spec = self.value(param)
                if spec is not None:
                    args[param.name] = spec
                    if spec["kind"] == "int":
                        self.sizes[param.name] = spec["value"]
            self._prime_divisions()
        return {name: args[name] for name in self.api.params if name in args}

    def _prime_divisions(self) -> None:
        for param in self.api.params.values():
            for shape in param.shape:
                for dim in shape:
                    if re.fullmatch(r"\w+/\w+", dim):
                        a, b = dim.split("/")
                        if b in self.sizes and a not in self.sizes and 0 < self.sizes[b] <= 8:
                            self.sizes[a] = self.sizes[b] * self.rng.randint(1, 2)

    def value(self, param: ParamConstraints, structure: str | None = None) -> Spec | None:
        """A conforming value for `param` (None: the parameter cannot be built and is left at its default)."""
        choices = [s for s in param.structure if s not in ("callable",)] or (
            ["tensor"] if not param.optional else []
        )
        if not choices:
            return None
        structure = structure or self.rng.choice(choices)
        rng, interval = self.rng, v.parse_interval(param.range) if param.range else None
        if structure == "tensor":
            return self.tensor_for(param, interval)
        if structure in ("int", "number"):
            return v.scalar("int", self._int(param, interval))
        if structure == "float":
            return v.scalar("float", self._float(param, interval))
        if structure == "bool":
            return v.scalar("bool", rng.random() < 0.5)
        if structure == "str":
            options = param.enum or (
                [_literal(param.default)] if isinstance(_literal(param.default), str) else []
            )
            return v.scalar("str", rng.choice(options)) if options else None
        if structure.startswith("sequence("):
            element = structure[len("sequence(") : -1]
            length = self.spatial if element != "tensor" else rng.randint(1, 3)
            if element == "tensor":
                return v.seq([self.plain_tensor(param) for _ in range(length)], "list")
            items = [
                v.scalar("int", self._int(param, interval, small=True))
                if element == "int"
                else v.scalar("float", self._float(param, interval))
                for _ in range(length)
            ]
            return v.seq(items, rng.choice(["tuple", "list"]))
        if structure == "dtype":
            return v.scalar("dtype", rng.choice(["float32", "float32", "float64"]))
        if structure in ("device", "layout", "memory_format", "generator"):
            return v.scalar(structure, pools()["defaults"][structure])
        return None

    def _int(self, param: ParamConstraints, interval: tuple | None, small: bool = False) -> int:
        default = _literal(param.default)
        if isinstance(default, int) and not isinstance(default, bool) and self.rng.random() < 0.4:
            if interval is None or v.in_interval(default, interval):
                return default
        low = (
            0
            if interval is None
            else math.ceil(interval[0]) + (0 if interval[2] or not float(interval[0]).is_integer() else 1)
        )
        high = low + (3 if small else 4)
        if interval is not None and interval[1] != math.inf:
            high = min(high, math.floor(interval[1]) - (0 if interval[3] else 1))
        low = max(low, 1) if small and interval is None else low
        return self.rng.randint(int(low), int(max(low, high)))

    def _float(self, param: ParamConstraints, interval: tuple | None) -> float:
        default = _literal(param.default)
        if isinstance(default, float) and self.rng.random() < 0.4:
            if interval is None or v.in_interval(default, interval):
                return default
        if interval is None:
            return round(self.rng.uniform(-2, 2), 3)
        low, high = interval[0], min(interval[1], interval[0] + 2)
        value = round(self.rng.uniform(low, high), 3)
        return value if v.in_interval(value, interval) else (low + high) / 2

    def dims_for(self, param: ParamConstraints) -> list[int]:
        """A concrete shape for a tensor parameter: a documented shape, a documented rank, or the shared base."""
        if param.shape:
            shape: list[int] = []
            for dim in self.rng.choice(param.shape):
                if dim == "*" or "..." in dim:
                    shape += [self.rng.randint(1, 3) for _ in range(self.rng.randint(0, 2))]
                    continue
                size = v.resolve_dim(dim, self.sizes)
                if size is None:
                    size = self.sizes.setdefault(dim, self.rng.randint(1, 4)) if dim.isidentifier() else 2
                shape.append(max(size, 1))
            return shape
        if param.ndim or param.ndim_min is not None:
            rank = self.rng.choice(param.ndim or [param.ndim_min + k for k in range(3)])  # type: ignore[operator]
            return self.base_shape[:rank] + [
                self.rng.randint(1, 4) for _ in range(rank - len(self.base_shape))
            ]
        return list(self.base_shape)

    def tensor_for(
        self,
        param: ParamConstraints,
        interval: tuple | None,
        dims: list[int] | None = None,
        dtype: str | None = None,
    ) -> Spec:
        dtype = dtype or (
            self.rng.choice(param.dtype)
            if param.dtype
            else self.rng.choice(["float32", "float32", "float64"])
        )
        dims = self.dims_for(param) if dims is None else dims
        if dtype == "bool":
            return v.tensor(dims, dtype, 0, 1, fill="int")
        if dtype in v.INT_DTYPES:
            low = 0 if interval is None else max(0, math.ceil(interval[0]))
            return v.tensor(dims, dtype, low, low + 1, fill="int")
        if interval is None:
            return v.tensor(dims, dtype)
        return (
            v.tensor(dims, dtype, max(interval[0], 0.0), 1.0, fill="rand")
            if interval[0] >= 0
            else v.tensor(dims, dtype)
        )

    def plain_tensor(self, param: ParamConstraints) -> Spec:
        return v.tensor(list(self.base_shape), self.rng.choice(param.dtype) if param.dtype else "float32")


# Defaults repeat across every input of an API; parsing them was a fifth of generating one.
@functools.lru_cache(maxsize=4096)
def _literal(text: str | None) -> Any:
    from repowright.analyzers.doc_rules import literal

    value = literal(text)
    return value if isinstance(value, (int, float, str, bool)) else None


def _violate(gen: _Generator, case: Case) -> bool:
    """Replace one argument with a value that breaks exactly one of its constraints; False if none can."""
    rng = gen.rng
    targets = [(p, c) for p in gen.api.params.values() for c in VIOLABLE if _has(p, c)]
    rng.shuffle(targets)
    for param, category in targets[:6]:
        for _ in range(4):
            spec = _violating_value(gen, param, category)
            if spec is None:
                break
            trial = dict(case.args)
            trial[param.name] = spec
            broken = v.case_violations(gen.api, trial, gen.sizes)
            if broken == [(param.name, category)]:
                case.args = {n: trial[n] for n in gen.api.params if n in trial}
                case.kind, case.violated = "vi", [param.name, category]
                return True
    return False


def _has(param: ParamConstraints, category: str) -> bool:
    if category == "structure":
        return bool(param.structure)
    if category == "range":
        return bool(param.range and v.parse_interval(param.range))
    if category in ("dtype", "ndim", "shape"):
        return "tensor" in param.structure and bool(getattr(param, category))
    return bool(getattr(param, category))


def _violating_value(gen: _Generator, param: ParamConstraints, category: str) -> Spec | None:
    rng, pool = gen.rng, pools()["violations"]
    if category == "structure":
        candidates = [c for c in pool["structure"] if not v.structure_of(c) & set(param.structure)]
        return dict(rng.choice(candidates)) if candidates else None
    if category == "dtype":
        others = [d for d in v.ALL_DTYPES if d not in param.dtype]
        return gen.tensor_for(param, None, dtype=rng.choice(others)) if others else None
    if category == "ndim":
        rank = rng.choice([r for r in range(0, 7) if r not in param.ndim])
        return gen.tensor_for(param, None, dims=[rng.randint(1, 3) for _ in range(rank)])
    if category == "shape":
        dims = gen.dims_for(param)
        if not dims:
            return None
        position = rng.randrange(len(dims))
        dims[position] = dims[position] + rng.randint(1, 3)
        return gen.tensor_for(param, None, dims=dims)
    if category == "range":
        low, high, _, _ = v.parse_interval(param.range or "") or (0, 0, True, True)
        outside = [x for x in (low - 1, low - 0.5, high + 1, -(2**31)) if math.isfinite(x)]
        value = rng.choice(outside)
        if "tensor" in param.structure and rng.random() < 0.5:
            return v.tensor(gen.dims_for(param), "float32", value, value, fill="full")
        if "int" in param.structure or "number" in param.structure:
            return v.scalar("int", int(math.floor(value)))
        return v.scalar("float", float(value))
    if category == "enum":
        return v.scalar("str", rng.choice(pool["enum"]))
    return None
