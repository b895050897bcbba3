"""The campaign summary: what ran, what came out, what it cost (the reports and `--json` print it)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from .findings import ASSERT, CRASH, REJECTED, RESOURCE, SEVERE, Finding

if TYPE_CHECKING:
    from .campaign import CampaignConfig, CampaignState


def summarize(
    directory: Path,
    config: CampaignConfig,
    state: CampaignState,
    with_constraints: int,
    records: list[dict],
    findings: list[Finding],
) -> dict:
    """Counts over every result record and finding of a campaign directory."""
    by_class = Counter(r["cls"] for r in records)
    by_kind = Counter(r["kind"] for r in records)
    severe = [f for f in findings if f.cls in SEVERE]
    seconds = state.seconds
    return {
        "directory": str(directory),
        "library": config.library,
        "version": state.library_version,
        "apis": len(config.apis),
        "apis_with_constraints": with_constraints,
        "apis_run": len({r["api"] for r in records}),
        "inputs": len(records),
        "planned_inputs": state.planned or config.inputs_per_api * with_constraints,
        "inputs_by_kind": dict(by_kind),
        "outcomes": dict(by_class),
        "seconds": round(seconds, 1),
        "execs_per_second": round(len(records) / seconds, 2) if seconds else 0.0,
        "findings": len(findings),
        "findings_by_class": dict(Counter(f.cls for f in findings)),
        "crashing_apis": sorted({f.api for f in severe}),
        "crash_apis": sorted({f.api for f in severe if f.cls in (CRASH, ASSERT)}),
        "distinct_crashes": len(severe),
        "reproducers_verified": sum(1 for f in findings if f.verified),
        "reproducers_checked": sum(1 for f in findings if f.verified is not None),
        "complete": state.complete,
        "stopped_by_budget": state.stopped_by_budget,
        "runs": state.runs,
        "extraction_failures": state.extraction_failures,
        "rejected": by_class.get(REJECTED, 0),
        "resource": by_class.get(RESOURCE, 0),
        "rejected_by_api": dict(Counter(r["api"] for r in records if r["cls"] == REJECTED).most_common()),
        "conforming_by_api": dict(Counter(r["api"] for r in records if r["kind"] == "ci")),
    }
