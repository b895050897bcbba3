"""Copy a campaign's findings worth keeping into a committed folder: the summary, every crash / internal assert /
hang / wrong-result finding with its reduced reproducer and whether a fresh sandbox run reproduced it.

Run: `python -m repowright.evals.collect_findings CAMPAIGN_DIR evals/findings/NAME`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from repowright.agent.fuzz.findings import SEVERE


def collect(campaign: Path, out: Path) -> list[dict]:
    """Write report.md, findings.md/json and repro/<id>.py for the severe findings; return those findings."""
    findings = [f for f in json.loads((campaign / "findings.json").read_text()) if f["cls"] in SEVERE]
    (out / "repro").mkdir(parents=True, exist_ok=True)
    lines = [
        "# Findings",
        "",
        "| class | API | signature | verified in a fresh sandbox | reproducer |",
        "| --- | --- | --- | --- | --- |",
    ]
    for f in findings:
        if f.get("reproducer"):
            shutil.copy(campaign / f["reproducer"], out / "repro" / Path(f["reproducer"]).name)
        key = f["signature"].split(" | ", 2)[2] or f["cls"]
        verified = {True: "yes", False: "no", None: "not checked"}[f.get("verified")]
        lines.append(
            f"| {f['cls']} | `{f['api']}` | {key[:120].replace('|', '/')} | {verified} | "
            f"`{f.get('reproducer') or ''}` |"
        )
    (out / "findings.md").write_text("\n".join(lines) + "\n")
    (out / "findings.json").write_text(json.dumps(findings, indent=2))
    shutil.copy(campaign / "report.md", out / "report.md")
    return findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("campaign", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    collect(args.campaign, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
