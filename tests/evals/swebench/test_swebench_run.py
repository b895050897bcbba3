"""`eval swebench run` with the real solver against the scripted model server: outcomes, cost, resume, retry."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from repowright.agent.config import LLMConfig, SandboxConfig, Settings
from repowright.agent.solve import SolveResult, solve_issue
from repowright.evals.swebench.evaluate import EvalOptions, evaluate
from repowright.evals.swebench.instances import load_instances
from repowright.evals.swebench.run import RunOptions, run
from repowright.evals.swebench.specs import Specs
from repowright.sandbox import Limits, make_sandbox
from tests.agent.solve.scripted import StepResponder, step_of
from tests.cli import default_signals, isolated_folder, run_cli, scrubbed_env
from tests.containers import own_containers
from tests.scripted_server import Fault, Reply, ScriptedServer

pytestmark = pytest.mark.docker
OUTAGE, GIVE_UP, HANG = "(endpoint down)", "(give up)", "(hang)"
FIX = ("edit_file", {"path": "calc/__init__.py", "search": "return a - b", "replace": "return a + b"})
PRICES = {"input_cost_per_million": 3.0, "output_cost_per_million": 15.0}


class CalcModel(ScriptedServer):
    """A model that fixes add() (edit, then submit), gives up, or is down (500s) by the issue's marker."""

    def __init__(self, *, down: bool = True) -> None:
        super().__init__(responder=self.reply)
        self.down = down
        self.usage: list[dict] = []  # the usage of every completion served, as the server reported it

    def reply(self, body: dict) -> Reply | Fault:
        conversation = json.dumps(body.get("messages", []))
        if self.down and OUTAGE in conversation:
            return Fault("500")
        if HANG in conversation and step_of(body) == "act":
            return Fault("timeout")  # held until the server stops
        if step_of(body) == "act":
            done = GIVE_UP in conversation or any(m.get("role") == "tool" for m in body["messages"])
            return Reply(tool_calls=[("submit", {"summary": "done"})] if done else [FIX])
        return StepResponder({})(body)

    def completion(self, body: dict, reply: Reply) -> dict:
        data = super().completion(body, reply)
        self.usage.append(data["usage"])
        return data


def settings(base_url: str) -> Settings:
    return Settings(
        llm=LLMConfig(
            base_url=base_url,
            model="scripted",
            api_key="x",
            timeout=30,
            max_retries=1,
            retry_backoff=0.01,
            **PRICES,
        ),
        sandbox=SandboxConfig(backend="docker", timeout=120),
    )


def expected(usage: list[dict]) -> tuple[int, int, float]:
    prompt, completion = sum(u["prompt_tokens"] for u in usage), sum(u["completion_tokens"] for u in usage)
    return prompt, completion, round((prompt * 3.0 + completion * 15.0) / 1e6, 6)


def dataset(calc_world, path, issues: dict[str, str]):
    instances = []
    for iid, issue in issues.items():
        instance = calc_world["make_instance"](iid, calc_world["base"])
        instances.append({**instance, "problem_statement": instance["problem_statement"] + " " + issue})
    return calc_world["write_dataset"](path, instances)


def test_an_outage_is_an_error_that_retry_errors_solves_again(calc_world, tmp_path):
    instances = load_instances(
        str(dataset(calc_world, tmp_path / "d.jsonl", {"s-1": "", "s-2": GIVE_UP, "s-3": OUTAGE}))
    )
    opts = RunOptions(out_dir=tmp_path / "run", model_name="org/m", repos_dir=calc_world["repos"])
    with CalcModel(down=True) as down:
        run(
            instances[:1], solve_issue, settings(down.base_url), opts
        )  # a first run that finished one instance
        first_usage = list(down.usage)
        summary, _ = run(instances, solve_issue, settings(down.base_url), opts)
    assert (summary["solved"], summary["no_patch"], summary["error"]) == (1, 1, 1)
    outage = json.loads((opts.out_dir / "instances/s-3/outcome.json").read_text())
    assert outage["status"] == "error" and "failed 2 times" in outage["message"]
    assert (summary["prompt_tokens"], summary["completion_tokens"], summary["cost"]) == expected(down.usage)
    assert summary["cost"] > 0 and json.loads((opts.out_dir / "run.json").read_text()) == summary
    solved = json.loads((opts.out_dir / "instances/s-1/outcome.json").read_text())
    assert solved["usage"]["cost"] == expected(first_usage)[2]  # s-1 was not solved again

    with CalcModel(down=False) as up:
        summary, predictions = run(instances, solve_issue, settings(up.base_url), opts)
        assert up.usage == []  # every outcome is final, errors included
        summary, predictions = run(
            instances,
            solve_issue,
            settings(up.base_url),
            RunOptions(**{**opts.__dict__, "retry_errors": True}),
        )
    assert (summary["solved"], summary["no_patch"], summary["error"]) == (2, 1, 0)
    retried = json.loads((opts.out_dir / "instances/s-3/outcome.json").read_text())
    assert retried["status"] == "solved" and retried["usage"]["cost"] == expected(up.usage)[2]
    rows = [json.loads(x) for x in predictions.read_text().splitlines()]
    assert [sorted(r) for r in rows] == [["instance_id", "model_name_or_path", "model_patch"]] * 3
    assert [bool(r["model_patch"]) for r in rows] == [True, False, True]

    # the predictions evaluate: both solved instances resolve
    eval_opts = EvalOptions(
        run_id="from-run",
        out_dir=tmp_path / "eval",
        cache_dir=calc_world["cache"],
        repos_dir=calc_world["repos"],
        timeout=300,
        limits=Limits(timeout=300, memory="2g"),
        specs=Specs(calc_world["specs"]),
    )
    report, _ = evaluate(instances, {r["instance_id"]: r for r in rows}, eval_opts, make_sandbox("docker"))
    assert report["resolved_ids"] == ["s-1", "s-3"]


def test_solve_gets_the_instance_environment_evaluate_uses(calc_world, tmp_path):
    from repowright.evals.swebench.envs import EnvCache, instance_environment

    instance = calc_world["make_instance"]("e-1", calc_world["base"])
    dataset = calc_world["write_dataset"](tmp_path / "d.jsonl", [instance])
    envs = EnvCache(calc_world["cache"], Specs(calc_world["specs"]))
    seen: list[dict] = []

    def solver(repo_path: Path, issue_text: str, settings: Settings, out_dir: Path, **options) -> SolveResult:
        seen.append(options)
        return SolveResult("no_patch", "", {}, {}, 1.0, out_dir)

    opts = RunOptions(
        out_dir=tmp_path / "run",
        model_name="m",
        repos_dir=calc_world["repos"],
        environment=instance_environment(envs, calc_world["repos"]),
    )
    run(load_instances(str(dataset)), solver, Settings(), opts)
    (options,) = seen
    env_path = Path(options["env"])
    assert calc_world["cache"].resolve() in env_path.parents
    assert json.loads((env_path / "repowright-env.json").read_text())["status"] == "ok"
    assert env_path == envs.path_for(load_instances(str(dataset))[0])


def test_the_run_command_reports_outages_tokens_and_cost(calc_world, tmp_path):
    data = dataset(calc_world, tmp_path / "d.jsonl", {"c-1": OUTAGE})
    args = [
        "eval",
        "swebench",
        "run",
        "--dataset",
        str(data),
        "--out",
        str(tmp_path / "run"),
        "--repos-dir",
        str(calc_world["repos"]),
        "--model",
        "scripted",
    ]
    env = {
        "REPOWRIGHT_API_KEY": "x",
        "REPOWRIGHT_MAX_RETRIES": "0",
        "REPOWRIGHT_INPUT_COST_PER_MILLION": "3",
        "REPOWRIGHT_OUTPUT_COST_PER_MILLION": "15",
    }
    with CalcModel(down=True) as down:
        failed = run_cli(*args, "--base-url", down.base_url, cwd=tmp_path, env=env)
    assert failed.returncode == 0, failed.stderr
    assert "solved 0 of 1 (no patch 0, errors 1)" in failed.stdout
    with CalcModel(down=False) as up:
        done = run_cli(*args, "--base-url", up.base_url, "--retry-errors", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    prompt, completion, cost = expected(up.usage)
    assert (
        f"solved 1 of 1 (no patch 0, errors 0); tokens {prompt} in, {completion} out; cost ${cost:.4f}"
        in done.stdout
    )
    assert f"cost ${cost:.4f}" in done.stdout + done.stderr
    summary = json.loads((tmp_path / "run" / "run.json").read_text())
    assert (summary["solved"], summary["cost"]) == (1, cost)


def test_an_interrupted_run_records_nothing_for_the_cut_short_instance(calc_world, tmp_path):
    """Ctrl-C while an instance's solve waits on the model: the run exits, the finished instance keeps its
    outcome and prediction, the cut-short one has neither (a resumed run redoes it), no container is left."""
    data = dataset(calc_world, tmp_path / "d.jsonl", {"c-done": "", "c-cut": HANG})
    out = tmp_path / "run"
    with CalcModel(down=False) as model:
        argv = ["eval", "swebench", "run", "--dataset", str(data), "--out", str(out)]
        argv += ["--repos-dir", str(calc_world["repos"]), "--model", "scripted", "--base-url", model.base_url]
        proc = subprocess.Popen(
            [sys.executable, "-m", "repowright.agent.cli.main", *argv],
            cwd=isolated_folder(tmp_path / "cli"),
            env=scrubbed_env({"REPOWRIGHT_API_KEY": "x", "REPOWRIGHT_TIMEOUT": "600"}),
            preexec_fn=default_signals,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        hanging = lambda: any(HANG in json.dumps(b) and step_of(b) == "act" for b in list(model.requests))  # noqa: E731
        try:
            while proc.poll() is None and not hanging():
                time.sleep(0.2)  # until c-cut's solve waits on the model (pytest-timeout bounds the wait)
            assert proc.poll() is None, proc.communicate()[1][-2000:]
            proc.send_signal(signal.SIGINT)
            _, stderr = proc.communicate(timeout=120)  # held by the model call until the server stops, before
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert proc.returncode == 130, stderr[-2000:]
    assert json.loads((out / "instances/c-done/outcome.json").read_text())["status"] == "solved"
    assert not (out / "instances/c-cut/outcome.json").exists()
    predictions = [json.loads(line) for line in (out / "predictions.jsonl").read_text().splitlines()]
    assert [p["instance_id"] for p in predictions] == ["c-done"]
    assert own_containers() == []


class FixingSolver:
    """A deterministic stand-in for the model-driven solver, to check where instances run (not how they are solved):
    fixes add() in the checkout it is given and returns `git diff`, or gives up where told."""

    def __init__(self, give_up: str = "") -> None:
        self.give_up = give_up

    def __call__(
        self, repo_path: Path, issue_text: str, settings: Settings, out_dir: Path, **options
    ) -> SolveResult:
        if out_dir.parent.name == self.give_up:
            return SolveResult("no_patch", "", {}, {}, 1.0, out_dir, error="no candidate passed")
        source = repo_path / "calc" / "__init__.py"
        source.write_text(source.read_text().replace("return a - b", "return a + b"))
        diff = subprocess.run(
            ["git", "-C", str(repo_path), "diff"], capture_output=True, text=True, check=True
        )
        return SolveResult(
            "patched", diff.stdout, {}, {"prompt_tokens": 100, "completion_tokens": 20}, 1.0, out_dir
        )


def test_run_on_a_ray_cluster_writes_the_same_predictions(calc_world, tmp_path, ray_cluster):
    from repowright.agent.ray_executor import RayExecutor

    make, base = calc_world["make_instance"], calc_world["base"]
    dataset = calc_world["write_dataset"](
        tmp_path / "d.jsonl", [make(i, base) for i in ("r-1", "r-2", "r-3")]
    )
    instances = load_instances(str(dataset))
    local_opts = RunOptions(out_dir=tmp_path / "local", model_name="org/m", repos_dir=calc_world["repos"])
    run(instances, FixingSolver(give_up="r-2"), Settings(), local_opts)
    opts = RunOptions(out_dir=tmp_path / "ray", model_name="org/m", repos_dir=calc_world["repos"])
    executor = RayExecutor(2, ray_cluster.address)
    try:
        summary, predictions = run(
            instances, FixingSolver(give_up="r-2"), Settings(), opts, executor=executor
        )
    finally:
        executor.close()
    assert predictions.read_text() == (local_opts.out_dir / "predictions.jsonl").read_text()
    assert (summary["solved"], summary["no_patch"], summary["executor"]["kind"]) == (2, 1, "ray")
    nodes = {
        json.loads((opts.out_dir / f"instances/{i}/outcome.json").read_text())["node"] for i in ("r-1", "r-3")
    }
    assert all("/" in node for node in nodes)  # host/<Ray node id>: written by the driver from the result
    assert not (opts.out_dir / "instances/r-1/repo").exists()
