"""A resumable fuzzing campaign: constraints, generated inputs, runs in the sandbox, findings, reproducers.

Campaign directory: `campaign.json` (what was asked), `constraints/<api>.yaml`, `results.jsonl` (one line per
input, appended as batches finish, so an interrupted campaign resumes where it stopped), `findings.json`,
`repro/<finding>.py`, `report.md`, `report.html`.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from repowright.analyzers.doc_constraints import ApiConstraints
from repowright.sandbox import Sandbox

from ..atomic import atomic_write
from ..config_sections import FuzzConfig
from ..errors import UserError
from ..executor import Executor, LocalExecutor, Resources, memory_bytes
from .batching import prefetched, run_inputs, run_twice
from .executor import ExecConfig, ForkServerExecutor
from .findings import (
    ASSERT,
    CRASH,
    FINDING_CLASSES,
    HANG,
    SEVERE,
    Finding,
    classify,
    deduplicate,
)
from .generate import Case, generate_case
from .remote import check_fuzz_node, run_batch_on_node
from .reproduce import reduce_cases, render_case, reproducer_script, size_change, verify_all
from .schedule import later_case, later_ids, make_plans, probe_ids, probe_size
from .summary import summarize

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (phase, done, total)


REDUCIBLE = (CRASH, ASSERT)
REDUCE_TIMEOUT = 5.0  # a reduction candidate that turns slow is not the same finding
_DEFAULTS = FuzzConfig()  # the settings' defaults, named once there


@dataclass
class CampaignConfig:
    """What a campaign runs; stored in campaign.json so a resume runs the same inputs."""

    apis: list[str]
    inputs_per_api: int = _DEFAULTS.inputs_per_api
    seed: int = 0
    workers: int = _DEFAULTS.workers
    time_budget: float | None = None
    timeout: float = _DEFAULTS.timeout
    batch_size: int = (
        _DEFAULTS.batch_size
    )  # inputs per round trip to a sandbox, run back to back by one worker
    library: str = _DEFAULTS.library
    verify_limit: int = _DEFAULTS.verify_limit  # reproducers verified per campaign beyond the severe ones
    quick_timeout: float = (
        _DEFAULTS.quick_timeout
    )  # first limit per input; overrunning inputs rerun with `timeout`

    def identity(self) -> dict:
        return {
            "apis": self.apis,
            "inputs_per_api": self.inputs_per_api,
            "seed": self.seed,
            "library": self.library,
        }


@dataclass
class CampaignState:
    seconds: float = 0.0  # execution time over all runs so far
    runs: int = 0
    complete: bool = False
    library_version: str = ""
    stopped_by_budget: bool = False
    planned: int = 0  # inputs the schedule plans (known once the probe has run)
    extraction_failures: dict[str, str] = field(default_factory=dict)


class Campaign:
    """Drives one campaign directory; `run()` can be called again after an interruption."""

    def __init__(
        self,
        directory: Path,
        config: CampaignConfig,
        adapter,
        sandbox: Sandbox,
        exec_config: ExecConfig | None = None,
        executor: Executor | None = None,
    ) -> None:
        self.dir, self.config, self.adapter, self.sandbox = directory, config, adapter, sandbox
        self.exec_config = exec_config or ExecConfig(timeout=config.timeout)
        self.results_path = directory / "results.jsonl"
        self.state = CampaignState()
        self._lock = threading.Lock()
        self.constraints: dict[str, ApiConstraints] = {}
        self.executor = executor  # None: threads here, config.workers fork servers
        self._pool: list[ForkServerExecutor] = []
        self._free: queue.SimpleQueue[ForkServerExecutor] = queue.SimpleQueue()
        self._live: dict[str, Finding] = {}  # findings so far, by signature (findings.live.json)
        self._hung: set[str] = set()  # APIs with a hang finding: their slow inputs are not rerun

    # ------------------------------------------------------------------ setup and resume
    def prepare(self) -> None:
        """Create or reopen the directory; refuse to resume a different campaign into it."""
        self.dir.mkdir(parents=True, exist_ok=True)
        stored = self.dir / "campaign.json"
        if stored.exists():
            previous = json.loads(stored.read_text())
            if previous["identity"] != self.config.identity():
                raise UserError(
                    f"{self.dir} holds a different campaign (other APIs, seed or inputs per API); "
                    "use another --out or delete it"
                )
            self.state = CampaignState(**previous.get("state", {}))
        self.state.library_version = self.adapter.version()
        self._save()

    def _save(self) -> None:
        atomic_write(
            self.dir / "campaign.json",
            json.dumps(
                {
                    "identity": self.config.identity(),
                    "config": asdict(self.config),
                    "state": asdict(self.state),
                },
                indent=2,
            ),
        )

    def load_constraints(self, progress: Progress | None = None) -> None:
        """Extract (or reload) every API's constraint record."""
        folder = self.dir / "constraints"
        folder.mkdir(exist_ok=True)
        for i, api in enumerate(self.config.apis):
            path = folder / f"{api}.yaml"
            if path.exists():
                self.constraints[api] = ApiConstraints.from_record(yaml.safe_load(path.read_text()))
            else:
                try:
                    record = self.adapter.constraints(api)
                except Exception as exc:  # a broken docstring skips one API, not the campaign
                    self.state.extraction_failures[api] = f"{type(exc).__name__}: {exc}"
                    continue
                atomic_write(path, yaml.safe_dump(record.to_record(), sort_keys=False, width=120))
                self.constraints[api] = record
            if progress:
                progress("constraints", i + 1, len(self.config.apis))

    def done_results(self) -> dict[str, dict]:
        """Records already in results.jsonl (a torn last line from a kill is ignored)."""
        records: dict[str, dict] = {}
        if self.results_path.exists():
            for line in self.results_path.read_text().splitlines():
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                records[record["id"]] = record
        return records

    def cases(self) -> Iterator[Case]:
        """Every API's first `inputs_per_api` generated inputs, interleaved, with no schedule (the throughput
        benchmark's fixed inputs; a campaign itself runs the probe and then its plan)."""
        for index in range(self.config.inputs_per_api):
            for api in self.config.apis:
                if api in self.constraints:
                    yield generate_case(self.constraints[api], index, self.config.seed)

    # ------------------------------------------------------------------ execution
    def run(self, progress: Progress | None = None) -> dict:
        """Run what is left (the probe, then the planned rest), then rebuild findings, reproducers and reports;
        return the summary."""
        self.prepare()
        self.load_constraints(progress)
        done = self.done_results()
        self._live = {f.signature: f for f in deduplicate(list(done.values()))}
        self._hung = {f.api for f in self._live.values() if f.cls == HANG}
        apis = [a for a in self.config.apis if a in self.constraints]
        probe = probe_size(self.config.inputs_per_api)
        first = [(a, i) for a, i in probe_ids(apis, probe) if f"{a}#{i}" not in done]
        total = len(done) + len(first) + len(apis) * (self.config.inputs_per_api - probe)  # until planned
        if progress:
            progress("inputs", len(done), total)
        started = time.monotonic()
        self.state.runs += 1
        self.state.stopped_by_budget = False
        rest: list[tuple[str, int]] = []
        try:
            seed = self.config.seed
            cases = (generate_case(self.constraints[a], i, seed) for a, i in first)
            count = self._execute(cases, len(done), total, started, progress)
            if not self.state.stopped_by_budget:
                done = self.done_results()
                plans = make_plans(done.values(), probe)
                planned = list(later_ids(apis, probe, self.config.inputs_per_api, plans))
                self.state.planned = probe * len(apis) + len(planned)
                rest = [(a, i) for a, i in planned if f"{a}#{i}" not in done]
                later = (later_case(self.constraints[a], i, seed, plans[a]) for a, i in rest if a in plans)
                self._execute(later, count, count + len(rest), started, progress)
        finally:
            self._close_pool()
            self.state.seconds += time.monotonic() - started
            self._save()
        self.state.complete = not self.state.stopped_by_budget
        self._save()
        return self.finish(progress)

    def _batches(self, todo: Iterable[Case]) -> Iterator[list[Case]]:
        pending = iter(todo)
        while batch := list(itertools.islice(pending, self.config.batch_size)):
            yield batch

    def _execute(
        self, todo: Iterable[Case], done: int, total: int, started: float, progress: Progress | None
    ) -> int:
        """Run `todo` (generated lazily, batch by batch) until done or over budget; the count of inputs done."""
        budget = self.config.time_budget
        executor = self.executor or LocalExecutor(self.config.workers)
        batches: dict[str, list[Case]] = {}

        def wanted() -> Iterator[list[Case]]:
            for batch in prefetched(self._batches(todo)):
                if self._over_budget(budget, started):
                    self.state.stopped_by_budget = True
                    return
                batches[batch[0].id] = batch
                yield batch

        fn, items = self._batch_tasks(executor, wanted())
        try:
            for finished in executor.map(fn, items, self._resources()):
                done += self._record_batch(batches.pop(finished.key), finished.value, finished.node)
                if progress:
                    progress("inputs", done, total)
        except BaseException:
            self._close_pool()
            raise
        return done

    def _close_pool(self) -> None:
        """Done, Ctrl-C or a failure: batches in flight are dropped (only `_execute` records, so a resume reruns
        them) and the containers are removed at once, in parallel, instead of after their batches."""
        closers = [threading.Thread(target=forkserver.close) for forkserver in self._pool]
        for closer in closers:
            closer.start()
        for closer in closers:
            closer.join()
        self._pool.clear()

    def _batch_tasks(self, executor: Executor, batches: Iterable[list[Case]]) -> tuple[Callable, Iterable]:
        """The batch function and its items: inputs rendered here, run in a pooled fork server or on a node."""
        if not executor.remote:
            if not self._pool:  # started once: the probe's fork servers also run the planned rest
                self._free = queue.SimpleQueue()
                for _ in range(executor.workers):
                    self._pool.append(
                        ForkServerExecutor(
                            self.sandbox, self.adapter.preload, self.exec_config, self.adapter.support_files
                        )
                    )
                    self._free.put(self._pool[-1])
            return self._run_pooled, ((b[0].id, (self._render(b), run_twice(b))) for b in batches)
        spec = executor.node_sandbox(self.sandbox.name)
        library = None if self.adapter.support_files else self.config.library
        executor.check_nodes(check_fuzz_node, spec, library)
        timeouts = (self.config.timeout, self.config.quick_timeout)
        return run_batch_on_node, (
            (
                b[0].id,
                (
                    spec,
                    self.adapter.preload,
                    self.exec_config,
                    self.adapter.support_files,
                    self._render(b),
                    run_twice(b),
                    *timeouts,
                ),
            )
            for b in batches
        )

    def _resources(self) -> Resources:
        return Resources(cpus=1.0, memory=memory_bytes(self.exec_config.container_memory))

    def _render(self, batch: list[Case]) -> list[tuple[str, str]]:
        return [(c.id, render_case(self.adapter, self.constraints[c.api], c)) for c in batch]

    def _run_pooled(self, inputs: list[tuple[str, str]], twice: frozenset[str]) -> dict[str, dict]:
        """Run a batch in a free fork server of this process (one per worker, reused across batches)."""
        forkserver = self._free.get()
        try:
            return run_inputs(
                forkserver,
                inputs,
                twice,
                self.config.timeout,
                self.config.quick_timeout,
                self._hung_now(),
            )
        finally:
            self._free.put(forkserver)

    def _hung_now(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._hung)

    def _over_budget(self, budget: float | None, started: float) -> bool:
        return budget is not None and self.state.seconds + (time.monotonic() - started) >= budget

    def _record_batch(self, batch: list[Case], results: dict[str, dict], node: str) -> int:
        """Classify a batch's results and append them to results.jsonl (the driver alone writes it)."""
        records = [
            {
                "id": case.id,
                "api": case.api,
                "kind": case.kind,
                "violated": case.violated,
                "boundary": case.boundary,
                "cls": classify(case.kind, results[case.id]),
                "result": results[case.id],
                "case": case.to_dict(),
                "node": node,
            }
            for case in batch
        ]
        with self._lock, self.results_path.open("a") as stream:
            stream.write("\n".join(json.dumps(r, default=str) for r in records) + "\n")
            stream.flush()
            os.fsync(stream.fileno())
        self._note_findings(records)
        return len(batch)

    def _note_findings(self, records: list[dict]) -> None:
        """Keep `findings.live.json` current while inputs run (deduplicated, not yet reduced or verified), so
        a campaign cut short still leaves its findings; note the APIs that hang."""
        fresh = [r for r in records if r["cls"] in FINDING_CLASSES]
        if not fresh:
            return
        with self._lock:
            before = len(self._live)
            for finding in deduplicate(fresh):
                if finding.signature in self._live:
                    self._live[finding.signature].count += finding.count
                else:
                    self._live[finding.signature] = finding
                if finding.cls == HANG:
                    self._hung.add(finding.api)
            if len(self._live) > before:
                live = sorted(self._live.values(), key=lambda f: (f.cls, f.api))
                atomic_write(
                    self.dir / "findings.live.json", json.dumps([f.to_dict() for f in live], indent=2)
                )

    # ------------------------------------------------------------------ findings and reports
    def finish(self, progress: Progress | None = None) -> dict:
        """Deduplicate, reduce and verify new findings, write findings.json and the reports."""
        from .report import write_reports

        records = list(self.done_results().values())
        findings = deduplicate(records)
        previous = self._previous_findings()
        todo = [f for f in findings if f.id not in previous]
        for f in findings:
            if f.id in previous:
                kept = previous[f.id]
                f.reproducer, f.reduced, f.reduction, f.verified, f.verify_note = (
                    kept.get("reproducer"),
                    kept.get("reduced", False),
                    kept.get("reduction", ""),
                    kept.get("verified"),
                    kept.get("verify_note", ""),
                )
        self._reproduce(todo, progress)
        atomic_write(self.dir / "findings.json", json.dumps([f.to_dict() for f in findings], indent=2))
        summary = self.summary(records, findings)
        write_reports(self.dir, summary, findings)
        return summary

    def _previous_findings(self) -> dict[str, dict]:
        path = self.dir / "findings.json"
        if not path.exists():
            return {}
        return {f["id"]: f for f in json.loads(path.read_text()) if f.get("reproducer")}

    def _reproduce(self, findings: list[Finding], progress: Progress | None) -> None:
        """Reduce crashes and internal asserts (a hang's candidates would each cost the full timeout), write every
        reproducer, verify them (severe findings, and up to verify_limit others) in a fresh sandbox."""
        if not findings:
            return
        repro_dir = self.dir / "repro"
        repro_dir.mkdir(exist_ok=True)
        ordered = [f for f in findings if f.cls in SEVERE] + [f for f in findings if f.cls not in SEVERE]
        checked = ordered[: len([f for f in findings if f.cls in SEVERE]) + self.config.verify_limit]
        records = self.done_results()
        cases = {f.id: self._case(records.get(f.case_id, {}), f.api, f.case_id) for f in ordered}
        if progress:
            progress("reproducers", 0, 2)
        with ForkServerExecutor(
            self.sandbox, self.adapter.preload, self.exec_config, self.adapter.support_files
        ) as executor:
            reduced = reduce_cases(
                self.adapter,
                self.constraints,
                [(f, cases[f.id]) for f in checked if f.cls in REDUCIBLE],
                executor,
                timeout=min(self.config.timeout, REDUCE_TIMEOUT),
            )
        scripts = []
        for finding in ordered:
            case, finding.reduced = reduced.get(finding.id, (cases[finding.id], False))
            if finding.reduced:
                finding.reduction = size_change(cases[finding.id], case)
            script = reproducer_script(
                finding,
                render_case(self.adapter, self.constraints[finding.api], case),
                self.state.library_version,
                self.config.library,
            )
            atomic_write(repro_dir / f"{finding.id}.py", script)
            finding.reproducer = f"repro/{finding.id}.py"
            scripts.append((finding, script))
        if progress:
            progress("reproducers", 1, 2)
        verdicts = verify_all(
            self.sandbox, scripts[: len(checked)], self.exec_config, self.adapter.support_files
        )
        for finding in ordered:
            if finding.id in verdicts:
                finding.verified, finding.verify_note = verdicts[finding.id]
        if progress:
            progress("reproducers", 2, 2)

    def _case(self, record: dict, api: str, case_id: str) -> Case:
        """The input exactly as it ran (stored with its result), or regenerated from the seed for old records."""
        if record.get("case"):
            return Case.from_dict(record["case"])
        return generate_case(self.constraints[api], int(case_id.rsplit("#", 1)[1]), self.config.seed)

    def summary(self, records: list[dict], findings: list[Finding]) -> dict:
        return summarize(self.dir, self.config, self.state, len(self.constraints), records, findings)
