"""The run's report: one self-contained HTML page (no external assets) with steps, explored nodes and the diff."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from unidiff import LINE_TYPE_ADDED, LINE_TYPE_CONTEXT, LINE_TYPE_REMOVED, PatchSet, UnidiffParseError

from ..prompts import environment


def _diff_lines(patch: str) -> list[tuple[str, str]]:
    """Each diff line with a CSS class for colouring (read by unidiff: a removed `-- x` line is a deletion)."""
    try:
        files = PatchSet(patch)
    except UnidiffParseError:
        return [("ctx", line) for line in patch.splitlines()]
    out: list[tuple[str, str]] = []
    kinds = {LINE_TYPE_ADDED: "add", LINE_TYPE_REMOVED: "del", LINE_TYPE_CONTEXT: "ctx"}
    for patched in files:
        text = str(patched)
        hunks = "".join(str(h) for h in patched)
        out += [("meta", line) for line in text[: len(text) - len(hunks)].splitlines()]
        for hunk in patched:
            out.append(("hunk", str(hunk).splitlines()[0]))
            out += [(kinds.get(row.line_type, "meta"), str(row).rstrip("\n")) for row in hunk]
    return out


def _event(record: dict[str, Any]) -> dict[str, Any]:
    """A trajectory record reduced to what the timeline shows."""
    kind = record["type"]
    title, body = kind, ""
    if kind == "model_call":
        usage = record.get("usage") or {}
        title = f"model · {record.get('step')} · {usage.get('total_tokens', 0)} tokens"
        calls = ", ".join(c["name"] or "?" for c in record.get("tool_calls", []))
        body = (record.get("content") or record.get("error") or "") + (f"\n→ {calls}" if calls else "")
    elif kind == "tool_call":
        title = f"tool · {record.get('name')}{'' if record.get('ok') else ' · failed'}"
        args = record.get("arguments")
        body = (
            f"{json.dumps(args, ensure_ascii=False)[:600] if not isinstance(args, str) else args[:600]}\n\n"
            f"{record.get('result') or record.get('error') or ''}"
        )
    elif kind == "step":
        title = f"step · {record.get('name')}"
    elif kind == "validation":
        title = f"validation · score {record.get('score')}"
        body = (
            json.dumps(record.get("checks"), indent=1)
            + "\n"
            + "\n".join(f"{k}: {v}" for k, v in (record.get("details") or {}).items())
        )
    elif kind in ("error", "stop", "interrupted", "reproduction", "end"):
        body = json.dumps({k: v for k, v in record.items() if k not in ("type", "t")}, indent=1, default=str)
    else:
        return {}
    return {
        "t": record.get("t", 0),
        "sample": record.get("sample", ""),
        "kind": kind,
        "title": title,
        "body": body[:6000],
    }


def write_report(
    path: Path,
    records: list[dict[str, Any]],
    result: dict[str, Any],
    localization: dict[str, Any],
    candidates: list[dict[str, Any]],
) -> None:
    """Render report.html from the trajectory records and the result (written whole, then renamed)."""
    from ..atomic import atomic_write

    html = (
        environment()
        .get_template("report/solve.html.j2")
        .render(
            result=result,
            localization=localization,
            candidates=candidates,
            events=[e for e in (_event(r) for r in records) if e],
            diff=_diff_lines(result.get("patch", "")),
            issue=next((r.get("issue", "") for r in records if r["type"] == "run"), ""),
        )
    )
    atomic_write(path, html)
