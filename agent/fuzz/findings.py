"""Classify what each input did, and deduplicate the interesting outcomes into findings."""

from __future__ import annotations

import hashlib
import re
import signal as signals
from dataclasses import asdict, dataclass, field

# Outcome classes. Findings are what a user must triage: crashes, internal asserts, hangs and results that are
# checkably wrong. The rest are counted: resource exhaustion, and "rejected by the library" (a conforming input
# raised an ordinary exception: a measure of how good the constraints are, shown per API, not a finding).
CRASH, ASSERT, HANG, WRONG = "crash", "internal_assert", "hang", "wrong_result"
RESOURCE, REJECTED = "resource", "rejected"
FINDING_CLASSES = (CRASH, ASSERT, HANG, WRONG)
SEVERE = FINDING_CLASSES
EXPECTED, OK, VI_ACCEPTED, OTHER = "expected_error", "ok", "vi_accepted", "other"
SLOW = "slow"  # overran the quick limit on an API that already has a hang finding: counted, not rerun
MEMORY = re.compile(
    r"can't allocate memory|not enough memory|out of memory|Cannot allocate memory|"
    r"allocate more than|MemoryError|std::bad_alloc|numel.*overflow|exceeds.*maximum",
    re.IGNORECASE,
)
ASSERTION = re.compile(r"INTERNAL ASSERT FAILED|\bCheck failed\b")


def classify(kind: str, result: dict) -> str:
    """The class of one result: a signal is a crash, `INTERNAL ASSERT FAILED`/`Check failed` an internal assert,
    a timeout a hang, two identical runs that disagree a wrong result, failed allocations resource exhaustion;
    an ordinary exception is the library rejecting the input (expected when the input broke a constraint)."""
    status = result.get("status")
    if status == "signal":
        return RESOURCE if result.get("signal") == signals.SIGKILL else CRASH
    if status == "timeout":
        return HANG
    if status == "slow":
        return SLOW
    if status == "mismatch":
        return WRONG
    if status == "exception":
        message = f"{result.get('exc_type', '')}: {result.get('message', '')}"
        if ASSERTION.search(message):
            return ASSERT
        if result.get("exc_type") == "MemoryError" or MEMORY.search(message):
            return RESOURCE
        return REJECTED if kind == "ci" else EXPECTED
    if status == "ok":
        return VI_ACCEPTED if kind == "vi" else OK
    return OTHER


def signal_name(number: int | None) -> str:
    try:
        return signals.Signals(number).name if number else "?"
    except ValueError:
        return f"signal {number}"


def normalize_message(message: str) -> str:
    """A message with the parts that vary between inputs (numbers, shapes, addresses, paths) blanked."""
    first = message.strip().splitlines()[0] if message.strip() else ""
    first = re.sub(r"0x[0-9a-fA-F]+", "ADDR", first)
    first = re.sub(r"/[\w./-]+\.(?:cpp|h|cc|cu|py):\d+", "FILE", first)
    first = re.sub(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", "N", first)
    return re.sub(r"'[^']{0,40}'", "'S'", first)[:160]


def signature(api: str, cls: str, result: dict) -> str:
    """What makes two outcomes the same finding: (API, class, signal or normalized message)."""
    if cls == CRASH:
        key = signal_name(result.get("signal"))
    elif cls == ASSERT:
        key = f"{result.get('exc_type', '')}: {normalize_message(result.get('message', ''))}"
    else:
        key = ""
    return f"{api} | {cls} | {key}"


@dataclass
class Finding:
    """One deduplicated finding with the first input that showed it and, later, its reproducer."""

    id: str
    api: str
    cls: str
    signature: str
    case_id: str
    kind: str
    constraint: str
    detail: str
    count: int = 1
    case_ids: list[str] = field(default_factory=list)
    reproducer: str | None = None
    reduced: bool = False
    reduction: str = ""  # the reducer's effect: arguments, tensor elements, sequence items before -> after
    verified: bool | None = None
    verify_note: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def describe(result: dict) -> str:
    """One line for a report: the signal, the exception, or the timeout, with a little stderr."""
    status = result.get("status")
    if status == "signal":
        tail = (result.get("stderr") or "").strip().splitlines()[-1:] or [""]
        return f"killed by {signal_name(result.get('signal'))} {tail[0][:200]}".strip()
    if status == "timeout":
        return f"no result within the time limit ({result.get('seconds', '?')} s)"
    if status == "mismatch":
        return f"two runs of the same input gave different results: {result.get('message', '')[:200]}"
    return f"{result.get('exc_type', status)}: {(result.get('message') or '').strip()[:300]}"


def constraint_note(record: dict) -> str:
    """Which constraint the input kept or broke, for the reproducer's header."""
    if record["kind"] == "vi" and record.get("violated"):
        param, category = record["violated"]
        return f"violates the documented {category} of `{param}` (all other constraints kept)"
    if record["kind"] == "boundary":
        return f"boundary value {record.get('boundary')}"
    return "conforms to every extracted constraint"


def deduplicate(records: list[dict]) -> list[Finding]:
    """Findings from result records (each with api, kind, cls, result), first occurrence first."""
    found: dict[str, Finding] = {}
    for record in records:
        cls = record["cls"]
        if cls not in FINDING_CLASSES:
            continue
        sig = signature(record["api"], cls, record["result"])
        if sig in found:
            found[sig].count += 1
            if len(found[sig].case_ids) < 20:
                found[sig].case_ids.append(record["id"])
            continue
        digest = hashlib.sha1(sig.encode()).hexdigest()[:10]
        found[sig] = Finding(
            digest,
            record["api"],
            cls,
            sig,
            record["id"],
            record["kind"],
            constraint_note(record),
            describe(record["result"]),
            case_ids=[record["id"]],
        )
    order = {c: i for i, c in enumerate(FINDING_CLASSES)}
    return sorted(found.values(), key=lambda f: (order[f.cls], f.api, f.signature))
