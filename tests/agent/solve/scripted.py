"""Scripted model behaviour for solve tests: replies chosen by the pipeline step a request belongs to."""

from __future__ import annotations

import json
import re
import shutil
import threading
from pathlib import Path
from typing import Any

from repowright.agent.config import LLMConfig, SandboxConfig, Settings
from repowright.agent.solve import SolveResult, solve_issue
from tests.scripted_server import Fault, Reply, ScriptedServer

DATA = Path(__file__).resolve().parents[2] / "data" / "solve"
_STEP = re.compile(r"^\[step: (\w+)\]", re.MULTILINE)


def step_of(body: dict[str, Any]) -> str:
    """The pipeline step a chat request belongs to ("act" for the tool loop), or "other" (e.g. MCTS scoring)."""
    for message in body.get("messages", []):
        if message.get("role") == "user":
            match = _STEP.search(message.get("content") or "")
            return match.group(1) if match else "other"
    return "other"


class StepResponder:
    """Serves each step's replies in order; steps without a script get a neutral answer.

    `other` covers requests outside the solve prompts: the explorer's relevance questions, rated 9 when the
    candidate's id contains one of `relevant` and 2 otherwise.
    """

    def __init__(self, script: dict[str, list[Reply | Fault]], relevant: tuple[str, ...] = ()) -> None:
        self.script = {k: list(v) for k, v in script.items()}
        self.relevant = relevant
        self.seen: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def __call__(self, body: dict[str, Any]) -> Reply | Fault:
        step = step_of(body)
        with self._lock:
            self.seen.setdefault(step, []).append(body)
            queue = self.script.get(step)
            if queue:
                return queue.pop(0)
        if step == "other":
            prompt = body["messages"][-1]["content"]
            candidate = re.search(r"Candidate \w+ `([^`]+)`", prompt)
            hit = candidate and any(word in candidate.group(1) for word in self.relevant)
            return Reply(content="9" if hit else "2")
        if step == "act":
            return Reply(content="(script exhausted)", tool_calls=[("submit", {"summary": "script ended"})])
        return Reply(content=f"scripted {step}")

    def left(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.script.items() if v}


def call(name: str, **arguments: Any) -> tuple[str, dict[str, Any]]:
    """One tool call as a reply lists it: (name, arguments)."""
    return (name, arguments)


def calls(*tool_calls: tuple[str, dict[str, Any]], content: str | None = None) -> Reply:
    """An assistant turn that makes `tool_calls` (and says `content`)."""
    return Reply(content=content, tool_calls=list(tool_calls))


def submit(summary: str) -> Reply:
    """The act step's last turn: submit the work with `summary`."""
    return calls(call("submit", summary=summary))


# The `stats` fixture's bug: mean() divides by len - 1. The edit that fixes it, and a reproduction that fails before.
FIX_MEAN = call("edit_file", path="textstats/stats.py", search="(len(values) - 1)", replace="len(values)")
MEAN_TEST = "from textstats.stats import mean\n\n\ndef test_mean():\n    assert mean([2, 4, 6]) == 4.0\n"


def mean_reproduction(path: str = "test_repro.py") -> Reply:
    """The reproduce step's reply for the `stats` fixture: a pytest file at `path` asserting the right mean."""
    return reproduction(path, MEAN_TEST)


def reproduction(path: str, content: str) -> Reply:
    """The reproduce step's JSON reply for a pytest file."""
    return Reply(
        content=json.dumps(
            {"path": path, "content": content, "command": f"python -m pytest -q -p no:cacheprovider {path}"}
        )
    )


def settings_for(base_url: str, **llm: Any) -> Settings:
    """Settings for an in-process solve against the scripted server at `base_url` (`llm` overrides)."""
    config = dict(
        base_url=base_url, model="scripted", api_key="x", timeout=5.0, max_retries=2, retry_backoff=0.01
    )
    config.update(llm)
    return Settings(llm=LLMConfig(**config), sandbox=SandboxConfig(backend="docker", timeout=60))


def solve_scripted(
    responder: StepResponder,
    repo: Path,
    issue: str,
    out: Path,
    *,
    llm: dict[str, Any] | None = None,
    **options: Any,
) -> tuple[SolveResult, list[dict[str, Any]]]:
    """`solve_issue` against a scripted server answering with `responder`; the result and the requests it got."""
    with ScriptedServer(responder=responder) as srv:
        result = solve_issue(repo, issue, settings_for(srv.base_url, **(llm or {})), out, **options)
    return result, srv.requests


def copy_fixture(name: str, tmp_path: Path) -> tuple[Path, str]:
    """A writable copy of fixture repository `name` and its issue text."""
    repo = tmp_path / name
    shutil.copytree(DATA / name / "repo", repo)
    return repo, (DATA / name / "issue.md").read_text()


def model_env(url: str) -> dict[str, str]:
    """Environment settings that point a `repowright` child process at the scripted server at `url`."""
    return {
        "REPOWRIGHT_BASE_URL": url,
        "REPOWRIGHT_MODEL": "scripted",
        "REPOWRIGHT_API_KEY": "x",
        "REPOWRIGHT_RETRY_BACKOFF": "0.01",
        "REPOWRIGHT_SANDBOX_TIMEOUT": "60",
    }
