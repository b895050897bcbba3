"""`fuzz --executor ray` on a real two-node Ray cluster: the local run's findings, batches on both nodes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from repowright.agent.cli.main import app

pytestmark = pytest.mark.docker
PLANTED = Path(__file__).resolve().parents[2] / "data" / "fuzz" / "planted_lib.py"
APIS = ["planted_lib.scale", "planted_lib.pick", "planted_lib.spin", "planted_lib.tally"]


def fuzz(out: Path, *extra: str) -> dict:
    args = [
        "fuzz",
        *APIS,
        "--library",
        str(PLANTED),
        "--inputs-per-api",
        "8",
        "--seed",
        "5",
        "--timeout",
        "1",
        "--batch-size",
        "12",
        "--memory",
        "1g",
        "--out",
        str(out),
        "--json",
        *extra,
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout[result.stdout.index("{") :])


def findings(summary: dict) -> list[tuple]:
    return [(f["id"], f["api"], f["cls"], f["signature"], f["verified"]) for f in summary["findings_list"]]


def test_ray_campaign_finds_what_the_local_one_finds(tmp_path, ray_cluster):
    local = fuzz(tmp_path / "local", "--workers", "2")
    ray = fuzz(tmp_path / "ray", "--workers", "2", "--executor", "ray", "--ray-address", ray_cluster.address)
    assert findings(ray) == findings(local) and len(findings(local)) >= 3
    assert {f[2] for f in findings(local)} >= {"crash", "hang", "wrong_result"}
    # the same plan on both executors: the probe, then every later input of the APIs the probe found accepting
    assert ray["inputs"] == local["inputs"] == local["planned_inputs"] and 4 < local["inputs"] <= 32
    assert ray["outcomes"] == local["outcomes"] and local["complete"] and ray["complete"]
    results = [json.loads(line) for line in (tmp_path / "ray" / "results.jsonl").read_text().splitlines()]
    assert sorted(r["id"] for r in results) == sorted(
        json.loads(line)["id"] for line in (tmp_path / "local" / "results.jsonl").read_text().splitlines()
    )
    assert len({r["node"] for r in results}) == 2  # batches ran on both nodes
