"""Campaigns in the real Docker sandbox on a module with planted bugs: findings classified and deduplicated,
reproducers reduced and verified by a fresh run, and an interrupted campaign resumed to the same totals."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from repowright.agent.fuzz.adapters import library_adapter
from repowright.agent.fuzz.campaign import Campaign, CampaignConfig
from repowright.agent.fuzz.executor import ExecConfig, ForkServerExecutor

pytestmark = pytest.mark.docker
PLANTED = Path(__file__).resolve().parents[2] / "data" / "fuzz" / "planted_lib.py"
APIS = ["planted_lib.scale", "planted_lib.pick", "planted_lib.spin", "planted_lib.tally"]
# Only spin's planted endless loop may reach the hang limit; the other inputs end in milliseconds on a quiet machine.
# A loaded machine slows every input, so the limit is SLACK times the wall time of a whole batch of such inputs run
# through the same fork server just before (a batch's time bounds each of its inputs'), and at least
# MIN_HANG_SECONDS: load slows the inputs and the limit alike and cannot turn one of them into a "hang".
MIN_HANG_SECONDS = 3.0
SLACK = 4
PROBES = ["planted_lib.scale(x=3, factor=2)", "planted_lib.pick(mode='mean')", "planted_lib.tally(n=4)"]


def hang_limit(sandbox) -> float:
    """The per-input hang limit for this machine now, from batches of the non-hanging planted calls."""
    adapter = library_adapter(str(PLANTED))
    batch = [(f"probe-{i}", f"import planted_lib\nresult = {call}\n") for i, call in enumerate(PROBES * 3)]
    walls = []
    with ForkServerExecutor(
        sandbox, adapter.preload, ExecConfig(timeout=60.0), adapter.support_files
    ) as server:
        server.run(batch)  # starts the fork server (its preload is not part of an input's time)
        for _ in range(2):
            start = time.monotonic()
            results = server.run(batch)
            walls.append(time.monotonic() - start)
            assert all(r["status"] == "ok" for r in results.values()), results
    return max(MIN_HANG_SECONDS, SLACK * max(walls))


def campaign(directory: Path, sandbox, hang_seconds: float) -> Campaign:
    adapter = library_adapter(str(PLANTED))
    config = CampaignConfig(
        apis=adapter.enumerate_many(APIS),
        inputs_per_api=20,
        seed=5,
        workers=1,
        timeout=hang_seconds,
        batch_size=5,
        library=str(PLANTED),
    )
    return Campaign(directory, config, adapter, sandbox, ExecConfig(timeout=hang_seconds))


def totals(summary: dict) -> dict:
    keys = ("inputs", "inputs_by_kind", "outcomes", "findings", "findings_by_class", "crashing_apis")
    return {k: summary[k] for k in keys}


def test_campaign_finds_planted_bugs_and_resumes_to_the_same_totals(tmp_path, docker_sandbox):
    hang_seconds = hang_limit(docker_sandbox)
    whole = campaign(tmp_path / "whole", docker_sandbox, hang_seconds).run()
    findings = {
        (f["api"], f["cls"]): f for f in json.loads((tmp_path / "whole" / "findings.json").read_text())
    }

    crash = findings[("planted_lib.scale", "crash")]
    assert crash["signature"].endswith("SIGSEGV") and crash["verified"] is True
    script = (tmp_path / "whole" / crash["reproducer"]).read_text()
    assert "planted_lib.scale(" in script and "x_ = -" in script  # the broken range: a negative count
    assert findings[("planted_lib.spin", "hang")]["verified"] is True
    wrong = findings[("planted_lib.tally", "wrong_result")]
    assert wrong["verified"] is True and "disagree" in wrong["verify_note"]
    assert not any(
        api == "planted_lib.pick" for api, _ in findings
    )  # refusing 'sum' is a rejection, not a bug
    assert whole["rejected_by_api"]["planted_lib.pick"] >= 1
    # the probe (two inputs per API), then every later input of the APIs that accepted one, one in four of the rest
    assert whole["planned_inputs"] == whole["inputs"] and 8 < whole["inputs"] <= 80 and whole["complete"]
    live = json.loads((tmp_path / "whole" / "findings.live.json").read_text())
    assert {(f["api"], f["cls"]) for f in live} == set(findings)  # written while the inputs ran
    report = (tmp_path / "whole" / "report.md").read_text()
    assert "## Crashes (killed by a signal) (1)" in report and "SIGSEGV" in report
    assert "## Rejected by the library (not findings)" in report and "`planted_lib.pick`" in report
    assert (tmp_path / "whole" / "report.html").read_text().startswith("<!doctype html>")

    interrupted = campaign(tmp_path / "resumed", docker_sandbox, hang_seconds)

    def stop_after_first_batch(phase: str, done: int, total: int) -> None:
        if phase == "inputs" and done >= 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted.run(stop_after_first_batch)
    partial = len((tmp_path / "resumed" / "results.jsonl").read_text().splitlines())
    assert 5 <= partial < 40
    resumed = campaign(tmp_path / "resumed", docker_sandbox, hang_seconds).run()
    assert resumed["runs"] == 2 and totals(resumed) == totals(whole)
    ids = [f["id"] for f in json.loads((tmp_path / "resumed" / "findings.json").read_text())]
    assert ids == [f["id"] for f in json.loads((tmp_path / "whole" / "findings.json").read_text())]
