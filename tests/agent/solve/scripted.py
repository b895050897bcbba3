"""Scripted model behaviour for solve tests: replies chosen by the pipeline step a request belongs to."""

from __future__ import annotations

import json
import re
import shutil
import threading
from pathlib import Path
from typing import Any

from repowright.agent.config import LLMConfig, SandboxConfig, Settings
from tests.scripted_server import Fault, Reply

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


def reproduction(path: str, content: str) -> Reply:
    """The reproduce step's JSON reply for a pytest file."""
    return Reply(
        content=json.dumps(
            {"path": path, "content": content, "command": f"python -m pytest -q -p no:cacheprovider {path}"}
        )
    )


def settings_for(base_url: str, **llm: Any) -> Settings:
    config = dict(
        base_url=base_url, model="scripted", api_key="x", timeout=5.0, max_retries=2, retry_backoff=0.01
    )
    config.update(llm)
    return Settings(llm=LLMConfig(**config), sandbox=SandboxConfig(backend="docker", timeout=60))


def copy_fixture(name: str, tmp_path: Path) -> tuple[Path, str]:
    """A writable copy of fixture repository `name` and its issue text."""
    repo = tmp_path / name
    shutil.copytree(DATA / name / "repo", repo)
    return repo, (DATA / name / "issue.md").read_text()
