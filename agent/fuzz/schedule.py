"""Where a campaign spends its inputs: a probe of every API first, then the rest mostly on the APIs whose inputs
get past the library's argument checks, half of those as boundary mutations of the inputs it accepted.

An API that rejected every probe input (its extracted constraints miss something) keeps one input in
`UNPRODUCTIVE_EVERY`; one that already has a finding keeps one in `FOUND_EVERY` (a second signature on it is
worth less than a first one elsewhere). The plan depends only on the probe's results, so a resumed campaign
runs the same inputs."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from repowright.analyzers.doc_constraints import ApiConstraints

from .findings import FINDING_CLASSES, OK, VI_ACCEPTED
from .generate import Case, generate_case, mutate_case

PROBE_SHARE = 0.1
UNPRODUCTIVE_EVERY = 4
FOUND_EVERY = 2
MUTATE_SHARE = 0.5


@dataclass
class Plan:
    """One API's share after the probe: which later indices run, and the accepted inputs to mutate."""

    every: int = 1
    accepted: list[Case] = field(default_factory=list)


def probe_size(inputs_per_api: int) -> int:
    """Inputs per API in the probe: a tenth, at least one."""
    return max(1, min(inputs_per_api, math.ceil(inputs_per_api * PROBE_SHARE)))


def case_index(case_id: str) -> int:
    return int(case_id.rsplit("#", 1)[1])


def make_plans(records: Iterable[dict], probe: int) -> dict[str, Plan]:
    """Per API, from the probe's result records (later records are ignored, so the plan never changes)."""
    accepted: dict[str, list[tuple[int, dict]]] = defaultdict(list)
    found: set[str] = set()
    seen: set[str] = set()
    for record in records:
        index = case_index(record["id"])
        if index >= probe:
            continue
        api = record["api"]
        seen.add(api)
        if record["cls"] in (OK, VI_ACCEPTED) and record.get("case"):
            accepted[api].append((index, record["case"]))
        if record["cls"] in FINDING_CLASSES:
            found.add(api)
    plans = {}
    for api in seen:
        cases = [Case.from_dict(c) for _, c in sorted(accepted[api], key=lambda pair: pair[0])]
        every = FOUND_EVERY if api in found else (1 if cases else UNPRODUCTIVE_EVERY)
        plans[api] = Plan(every, cases)
    return plans


def probe_ids(apis: list[str], probe: int) -> Iterator[tuple[str, int]]:
    """(api, index) of the probe, interleaved across APIs so a time budget covers every API evenly."""
    for index in range(probe):
        for api in apis:
            yield api, index


def later_ids(apis: list[str], start: int, stop: int, plans: dict[str, Plan]) -> Iterator[tuple[str, int]]:
    """(api, index) after the probe, interleaved, each API at its plan's rate."""
    for index in range(start, stop):
        for api in apis:
            plan = plans.get(api) or Plan(UNPRODUCTIVE_EVERY)
            if index % plan.every == 0:
                yield api, index


def later_case(api: ApiConstraints, index: int, seed: int, plan: Plan) -> Case:
    """The `index`-th input of `api` after the probe: a mutation of an accepted input or a fresh one."""
    rng = random.Random(f"{seed}:{api.api}:{index}:pick")
    if plan.accepted and rng.random() < MUTATE_SHARE:
        return mutate_case(api, rng.choice(plan.accepted), index, seed)
    return generate_case(api, index, seed)
