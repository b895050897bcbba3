"""The fuzz report is data, never markup: HTML escapes every message and reproducer; the CLI prints finding
lines without rich interpreting `[...]`."""

from __future__ import annotations

import io

from rich.console import Console

from repowright.agent.fuzz.findings import Finding
from repowright.agent.fuzz.report import write_reports

EVIL = "<script>alert('x')</script>"


def summary() -> dict:
    return {
        "library": "torch",
        "version": "2.13",
        "apis": 1,
        "apis_with_constraints": 1,
        "apis_run": 1,
        "inputs": 3,
        "planned_inputs": 3,
        "inputs_by_kind": {"ci": 3},
        "seconds": 1.0,
        "runs": 1,
        "execs_per_second": 3.0,
        "findings": 1,
        "findings_by_class": {"crash": 1},
        "crashing_apis": ["torch.x"],
        "reproducers_verified": 1,
        "reproducers_checked": 1,
        "outcomes": {"crash": 1},
        "rejected": 2,
        "rejected_by_api": {"torch.x": 2},
        "resource": 0,
        "complete": True,
        "stopped_by_budget": False,
        "conforming_by_api": {"torch.x": 3},
    }


def test_html_report_escapes_messages_and_reproducers(tmp_path):
    (tmp_path / "repro").mkdir()
    (tmp_path / "repro" / "f1.py").write_text(f"x = 1 < 2\n# {EVIL}\n")
    finding = Finding(
        "f1",
        "torch.x",
        "crash",
        "sig",
        "torch.x#0",
        "ci",
        "conforms",
        f"TypeError: expected <class 'int'> {EVIL}",
        reproducer="repro/f1.py",
    )
    _, html_path = write_reports(tmp_path, summary(), [finding])
    html = html_path.read_text()
    assert EVIL not in html and "<script>" not in html
    assert "&lt;class &#39;int&#39;&gt;" in html or "&lt;class 'int'&gt;" in html
    assert "x = 1 &lt; 2" in html


def test_cli_finding_lines_keep_brackets():
    from repowright.agent.cli.fuzz_cmd import finding_line

    stream = io.StringIO()
    Console(file=stream, width=300).print(
        finding_line(
            {
                "cls": "crash",
                "api": "torch.x",
                "detail": "[bold]x[/]",
                "reproducer": "repro/f1.py",
                "verified": True,
            }
        ),
        markup=False,
    )
    text = stream.getvalue()
    assert "[repro/f1.py, verified]" in text and "[bold]x[/]" in text
