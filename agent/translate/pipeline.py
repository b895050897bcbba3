"""`repowright translate run`: plan, translate, verify, measure, and write the crate and its report."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from repowright.analyzers.c_depgraph import build_c_depgraph
from repowright.analyzers.rust_metrics import crate_safety

from ..atomic import atomic_write
from ..errors import UserError
from ..llm import LLM
from .crate import crate_name, write_crate
from .loop import LoopConfig, run_translation
from .verify import Case, Verifier

REPORT_NAME = "translation-report.json"


def clippy_warnings(verifier: Verifier, crate: Path) -> int | None:
    """Clippy's own warnings (lints named `clippy::...`) of the crate; None when clippy is not in the sandbox."""
    probe = verifier.session.exec(["sh", "-c", "cargo clippy --version"])
    if not probe.ok:
        return None
    _, output = verifier.cargo(crate, "/work/clippy", "clippy", message_format="json")
    count = 0
    for line in output.splitlines():
        try:
            message = json.loads(line).get("message") or {}
        except (json.JSONDecodeError, AttributeError):
            continue
        code = (message.get("code") or {}).get("code") or ""
        count += message.get("level") == "warning" and code.startswith("clippy::")
    return count


def translate_project(
    c_dir: Path,
    out: Path,
    llm: LLM,
    verifier: Verifier,
    cases: list[Case],
    *,
    config: LoopConfig | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Run the whole loop on `c_dir`, write the crate to `out` and `out`/translation-report.json."""
    plan = build_c_depgraph(c_dir, sources=verifier.sources)
    if not any(u.kind == "function" for u in plan.units.values()):
        raise UserError(f"{c_dir} defines no C functions: give the folder of a C program")
    run = run_translation(plan, llm, verifier, cases, config, progress)
    final, components = run.state, run.components
    crate = write_crate(out, crate_name(plan.root), run.main_rs)
    report = final["verification"]
    units_translated = sum(len(c) for i, c in enumerate(components) if final["code"][i])
    metrics = {
        "units": len(plan.units),
        "units_to_translate": sum(len(c) for c in components),
        "units_translated": units_translated,
        "components": len(components),
        "compiles": bool(report and report.build.rust),
        "components_failing_to_compile": len(final["compile_failures"]),
        "fix_rounds": sum(1 for e in final["events"] if e["step"] == "fix"),
        "repairs": final["repairs"],
        "cases": len(report.cases) if report else 0,
        "cases_passed": sum(c.equal for c in report.cases) if report else 0,
        "equivalent": bool(report and report.equivalent),
        "safety": crate_safety(crate).to_dict(),
        "clippy_warnings": clippy_warnings(verifier, crate),
        "model": {
            "calls": llm.usage.calls,
            "prompt_tokens": llm.usage.prompt_tokens,
            "completion_tokens": llm.usage.completion_tokens,
        },
    }
    result = {
        "c_dir": str(plan.root),
        "crate": str(crate),
        "metrics": metrics,
        "verify": report.to_json() if report else None,
        "events": final["events"],
    }
    atomic_write(crate / REPORT_NAME, json.dumps(result, indent=2, default=str))
    return result
