"""Fuzzing throughput with crash isolation, next to the ceiling: a bare in-process loop over the same inputs.

Both run in the Docker sandbox (inputs are untrusted code). The isolated run is the campaign's own batch unit
(`run_inputs` on fork-server executors, `workers` containers, started before the clock runs); the bare loop is one interpreter in one
container that `exec`s the inputs one after another with no isolation at all, over the inputs that did not crash
or hang in the isolated run (a crash would end the loop).
"""

from __future__ import annotations

import json
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from repowright.agent.fuzz.campaign import Campaign, CampaignConfig, run_inputs, run_twice
from repowright.agent.fuzz.executor import SANDBOX_SCRIPT, ExecConfig, ForkServerExecutor
from repowright.agent.fuzz.reproduce import render_case
from repowright.sandbox import Limits, Sandbox

BARE_LOOP = """
import json, sys, time
exec(compile(sys.argv[2], "<preload>", "exec"), {})
codes = json.load(open(sys.argv[1]))
started = time.monotonic()
for code in codes:
    try:
        exec(compile(code, "<fuzz-input>", "exec"), {"__name__": "__main__"})
    except BaseException:
        pass
print(json.dumps({"inputs": len(codes), "seconds": time.monotonic() - started}))
"""


def isolated_run(
    adapter,
    apis: list[str],
    inputs_per_api: int,
    sandbox: Sandbox,
    workers: int,
    batch_size: int,
    folder: Path,
) -> tuple[dict, list[tuple[str, str]]]:
    """The campaign's batch unit (`run_cases`, persistent forked workers) over fixed inputs on `workers`
    executors: start-up time, steady execs/s, and the (status, code) of every input."""
    config = CampaignConfig(
        apis=apis,
        inputs_per_api=inputs_per_api,
        seed=1,
        workers=workers,
        timeout=5.0,
        batch_size=batch_size,
        verify_limit=0,
    )
    campaign = Campaign(folder, config, adapter, sandbox, ExecConfig(timeout=5.0))
    campaign.prepare()
    campaign.load_constraints()
    todo = list(campaign.cases())
    started = time.monotonic()
    executors = [
        ForkServerExecutor(sandbox, adapter.preload, ExecConfig(timeout=5.0)) for _ in range(workers)
    ]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_start, executors))
    startup = time.monotonic() - started
    batches = [todo[i : i + batch_size] for i in range(0, len(todo), batch_size)]
    results: dict[str, dict] = {}
    started = time.monotonic()
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:

            def run_batch(job: tuple[int, list]) -> dict[str, dict]:
                number, batch = job
                inputs = [(c.id, render_case(adapter, campaign.constraints[c.api], c)) for c in batch]
                return run_inputs(
                    executors[number % workers],
                    inputs,
                    run_twice(batch),
                    config.timeout,
                    config.quick_timeout,
                )

            for got in pool.map(run_batch, enumerate(batches)):
                results.update(got)
    finally:
        for executor in executors:
            executor.close()
    seconds = time.monotonic() - started
    codes = [
        (results.get(c.id, {}).get("status", "lost"), render_case(adapter, campaign.constraints[c.api], c))
        for c in todo
    ]
    return {
        "inputs": len(results),
        "seconds": seconds,
        "startup_seconds": startup,
        "execs_per_second": len(results) / seconds,
    }, codes


def _start(executor: ForkServerExecutor) -> None:
    executor.start()
    executor._launch()


def bare_loop(adapter, codes: list[str], sandbox: Sandbox, exec_config: ExecConfig) -> dict:
    """One interpreter, no isolation, the same inputs: the ceiling for execs/s on one core."""
    limits = Limits(timeout=1800.0, memory=exec_config.container_memory, cpus=1.0, pids=256)
    with sandbox.session(limits=limits, mounts=exec_config.mounts(), env=exec_config.env) as session:
        session.put_files({"bare.py": BARE_LOOP, "inputs.json": json.dumps(codes)})
        folder = SANDBOX_SCRIPT.rsplit("/", 1)[0]
        done = session.exec(
            [exec_config.python, f"{folder}/bare.py", f"{folder}/inputs.json", adapter.preload],
            timeout=1800.0,
        )
    if done.exit_code != 0:
        raise RuntimeError(f"the bare loop failed: {done.stderr.strip()[-300:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["execs_per_second"] = result["inputs"] / result["seconds"]
    return result


def measure(
    adapter, apis: list[str], inputs_per_api: int, sandbox: Sandbox, workers: int = 2, batch_size: int = 500
) -> dict:
    """Both figures on the same generated inputs."""
    with tempfile.TemporaryDirectory(prefix="repowright-throughput-") as tmp:
        isolated, codes = isolated_run(adapter, apis, inputs_per_api, sandbox, workers, batch_size, Path(tmp))
    survivors = [code for status, code in codes if status in ("ok", "exception")]
    bare = bare_loop(adapter, survivors, sandbox, ExecConfig())
    return {
        "apis": len(apis),
        "isolated": isolated,
        "bare": bare,
        "crashed_or_hung": len(codes) - len(survivors),
        "workers": workers,
        "batch_size": batch_size,
    }
