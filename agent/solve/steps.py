"""The model steps before acting: summarize the repository and candidates, analyze, plan, write a reproduction test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..llm import LLM, ChatResult, LLMError
from ..prompts import render
from .trajectory import Trajectory
from .workspace import WorkspaceError, check_relative

SNIPPET_LINES = 60
SNIPPET_FUNCTIONS = 6
REPRODUCTION_SCHEMA = {
    "type": "object",
    "properties": {"path": {"type": "string"}, "content": {"type": "string"}, "command": {"type": "string"}},
    "required": ["path", "content", "command"],
}


class TracedLLM:
    """The model client as seen by code that is not ours to instrument (the explorer): each call is recorded."""

    def __init__(self, llm: LLM, trajectory: Trajectory, step: str, sample: int) -> None:
        self.llm, self.trajectory, self.step, self.sample = llm, trajectory, step, sample

    def chat(self, messages: list[dict[str, Any]], **kwargs: Any) -> ChatResult:
        result = self.llm.chat(messages, **kwargs)
        self.trajectory.log(
            "model_call",
            sample=self.sample,
            step=self.step,
            prompt=str(messages[-1].get("content", ""))[:2000],
            content=result.content,
            **self.trajectory.request(result.request),
            usage=result.usage.to_dict(),
            seconds=round(result.seconds, 3),
        )
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.llm, name)


def ask(
    llm: LLM, trajectory: Trajectory, step: str, prompt: str, *, sample: int, temperature: float | None = None
) -> str:
    """One model call for a step, recorded in the trajectory; returns the reply text."""
    messages = [{"role": "system", "content": render("solve_system")}, {"role": "user", "content": prompt}]
    result = llm.chat(messages, temperature=temperature)
    trajectory.log(
        "model_call",
        sample=sample,
        step=step,
        prompt=prompt,
        content=result.content,
        **trajectory.request(result.request),
        usage=result.usage.to_dict(),
        finish_reason=result.finish_reason,
        seconds=round(result.seconds, 3),
    )
    return result.content.strip()


def top_level(repo: Path) -> list[str]:
    """The repository's top-level entries (directories with a slash), hidden ones left out."""
    return sorted(p.name + ("/" if p.is_dir() else "") for p in repo.iterdir() if not p.name.startswith("."))[
        :60
    ]


def function_snippets(repo: Path, functions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The best candidate functions with their source (at most SNIPPET_LINES lines each), read from the checkout."""
    out = []
    for fn in functions[:SNIPPET_FUNCTIONS]:
        try:
            lines = (repo / fn["path"]).read_text(errors="replace").splitlines()
        except OSError:
            continue
        start, end = (
            max(1, fn["start_line"]),
            min(len(lines), fn["end_line"], fn["start_line"] + SNIPPET_LINES - 1),
        )
        out.append({**fn, "code": "\n".join(lines[start - 1 : end])})
    return out


def describe_stats(stats: dict[str, Any]) -> str:
    """The graph's statistics in a line: files, languages, definitions."""
    parts = [f"{stats.get('files', '?')} files"]
    for key in ("languages", "nodes"):
        if isinstance(stats.get(key), dict) and stats[key]:
            parts.append(", ".join(f"{v} {k}" for k, v in sorted(stats[key].items(), key=lambda kv: -kv[1])))
    return "; ".join(parts)


def summarize_prompt(repo: Path, issue: str, localization: dict[str, Any], stats: dict[str, Any]) -> str:
    return render(
        "solve_summarize",
        repo_name=repo.name,
        stats=describe_stats(stats),
        top_level=top_level(repo),
        issue=issue,
        files=localization.get("files", [])[:10],
        functions=function_snippets(repo, localization.get("functions", [])),
    )


def write_reproduction(
    llm: LLM,
    trajectory: Trajectory,
    repo: Path,
    issue: str,
    analysis: str,
    *,
    sample: int,
    temperature: float | None,
) -> tuple[dict[str, str] | None, str | None]:
    """The model's reproduction test as {path, content, command}, or None and why it could not be used."""
    prompt = render("solve_reproduce", issue=issue, analysis=analysis, top_level=top_level(repo))
    messages = [{"role": "system", "content": render("solve_system")}, {"role": "user", "content": prompt}]
    try:
        value, result = llm.chat_json(messages, REPRODUCTION_SCHEMA, name="reproduction")
    except LLMError as exc:
        if "not JSON" not in str(exc):
            raise
        trajectory.log("model_call", sample=sample, step="reproduce", prompt=prompt, error=str(exc))
        return None, str(exc)
    trajectory.log(
        "model_call",
        sample=sample,
        step="reproduce",
        prompt=prompt,
        content=result.content,
        **trajectory.request(result.request),
        usage=result.usage.to_dict(),
        seconds=round(result.seconds, 3),
    )
    if not isinstance(value, dict) or not all(
        isinstance(value.get(k), str) and value[k] for k in REPRODUCTION_SCHEMA["required"]
    ):
        return None, "the reproduction reply lacks path, content or command"
    try:
        path = check_relative(value["path"])
    except WorkspaceError as exc:
        return None, str(exc)
    if (repo / path).exists():
        return None, f"the reproduction test {path} would overwrite a file of the repository"
    return {"path": path, "content": value["content"], "command": value["command"]}, None
