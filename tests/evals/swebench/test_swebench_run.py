"""`eval swebench run`: solve per instance, predictions in the official format, explicit outcomes, resume."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from repowright.agent.config import Settings
from repowright.agent.solve import SolveResult
from repowright.evals.swebench.evaluate import EvalOptions, evaluate
from repowright.evals.swebench.instances import load_instances
from repowright.evals.swebench.run import RunOptions, run
from repowright.evals.swebench.specs import Specs
from repowright.sandbox import Limits, make_sandbox

pytestmark = pytest.mark.docker


class Solver:
    """Fixes add() in the checkout it is given and returns `git diff`; fails or gives up where told."""

    def __init__(self, fail: str = "", give_up: str = "", interrupt: str = "") -> None:
        self.fail, self.give_up, self.interrupt = fail, give_up, interrupt
        self.seen: list[str] = []

    def __call__(self, repo_path: Path, issue_text: str, settings: Settings, out_dir: Path) -> SolveResult:
        iid = out_dir.parent.name
        self.seen.append(iid)
        if iid == self.interrupt:
            raise KeyboardInterrupt
        if iid == self.fail:
            raise RuntimeError("the model endpoint went away")
        if iid == self.give_up:
            return SolveResult("no_patch", "", {}, {}, 1.0, out_dir, error="no candidate passed")
        source = repo_path / "calc" / "__init__.py"
        source.write_text(source.read_text().replace("return a - b", "return a + b"))
        diff = subprocess.run(["git", "-C", str(repo_path), "diff"], capture_output=True, text=True, check=True)
        return SolveResult("patched", diff.stdout, {}, {"prompt_tokens": 100, "completion_tokens": 20, "cost": 0.5},
                           1.0, out_dir)


def test_run_records_outcomes_and_resumes(calc_world, tmp_path):
    make, base = calc_world["make_instance"], calc_world["base"]
    dataset = calc_world["write_dataset"](tmp_path / "d.jsonl", [make(i, base) for i in ("s-1", "s-2", "s-3")])
    instances = load_instances(str(dataset))
    opts = RunOptions(out_dir=tmp_path / "run", model_name="org/m", repos_dir=calc_world["repos"])
    with pytest.raises(KeyboardInterrupt):
        run(instances, Solver(interrupt="s-2"), Settings(), opts)
    lines = [json.loads(x) for x in (opts.out_dir / "predictions.jsonl").read_text().splitlines()]
    assert [p["instance_id"] for p in lines] == ["s-1"] and "return a + b" in lines[0]["model_patch"]
    solver = Solver(fail="s-3")
    summary, predictions = run(instances, solver, Settings(), opts)
    assert solver.seen == ["s-2", "s-3"]  # s-1 was finished before the interruption
    assert (summary["solved"], summary["error"], summary["prompt_tokens"], summary["cost"]) == (2, 1, 200, 1.0)
    error = json.loads((opts.out_dir / "instances/s-3/outcome.json").read_text())
    assert error["status"] == "error" and "endpoint went away" in error["message"]
    again = Solver()
    run(instances, again, Settings(), opts)
    assert again.seen == []  # every outcome is final, errors included
    run(instances, again, Settings(), RunOptions(**{**opts.__dict__, "retry_errors": True}))
    assert again.seen == ["s-3"]
    rows = [json.loads(x) for x in predictions.read_text().splitlines()]
    assert [sorted(r) for r in rows] == [["instance_id", "model_name_or_path", "model_patch"]] * 3
    assert {r["model_name_or_path"] for r in rows} == {"org/m"}

    # the predictions evaluate: every solved instance resolves
    eval_opts = EvalOptions(run_id="from-run", out_dir=tmp_path / "eval", cache_dir=calc_world["cache"],
                            repos_dir=calc_world["repos"], timeout=300, limits=Limits(timeout=300, memory="2g"),
                            specs=Specs(calc_world["specs"]))
    preds = {r["instance_id"]: r for r in rows}
    report, _ = evaluate(instances, preds, eval_opts, make_sandbox("docker"))
    assert report["resolved_ids"] == ["s-1", "s-2", "s-3"]


def test_no_patch_is_an_explicit_outcome(calc_world, tmp_path):
    dataset = calc_world["write_dataset"](tmp_path / "d.jsonl", [calc_world["make_instance"]("n-1", calc_world["base"])])
    opts = RunOptions(out_dir=tmp_path / "run", model_name="m", repos_dir=calc_world["repos"])
    summary, predictions = run(load_instances(str(dataset)), Solver(give_up="n-1"), Settings(), opts)
    assert summary["no_patch"] == 1
    assert json.loads(predictions.read_text())["model_patch"] == ""
    assert json.loads((opts.out_dir / "instances/n-1/outcome.json").read_text())["message"] == "no candidate passed"


def test_run_on_a_ray_cluster_writes_the_same_predictions(calc_world, tmp_path, ray_cluster):
    from repowright.agent.ray_executor import RayExecutor

    make, base = calc_world["make_instance"], calc_world["base"]
    dataset = calc_world["write_dataset"](tmp_path / "d.jsonl", [make(i, base) for i in ("r-1", "r-2", "r-3")])
    instances = load_instances(str(dataset))
    local_opts = RunOptions(out_dir=tmp_path / "local", model_name="org/m", repos_dir=calc_world["repos"])
    run(instances, Solver(give_up="r-2"), Settings(), local_opts)
    opts = RunOptions(out_dir=tmp_path / "ray", model_name="org/m", repos_dir=calc_world["repos"])
    executor = RayExecutor(2, ray_cluster.address)
    try:
        summary, predictions = run(instances, Solver(give_up="r-2"), Settings(), opts, executor=executor)
    finally:
        executor.close()
    assert predictions.read_text() == (local_opts.out_dir / "predictions.jsonl").read_text()
    assert (summary["solved"], summary["no_patch"], summary["executor"]["kind"]) == (2, 1, "ray")
    nodes = {json.loads((opts.out_dir / f"instances/{i}/outcome.json").read_text())["node"] for i in ("r-1", "r-3")}
    assert all("/" in node for node in nodes)  # host/<Ray node id>: written by the driver from the result
    assert not (opts.out_dir / "instances/r-1/repo").exists()
