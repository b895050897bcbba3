"""The tools the model may call while acting: JSON schemas and their implementations over the workspace and graph."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from repowright.analyzers.graph import KnowledgeGraph
from repowright.sandbox import ExecResult

from .workspace import Workspace, WorkspaceError, pytest_command

VIEW_MAX_LINES = 200


def _tool(name: str, description: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {"type": "object", "properties": properties, "required": required},
        },
    }


_STR = {"type": "string"}
_INT = {"type": "integer"}
TOOL_SCHEMAS: list[dict[str, Any]] = [
    _tool(
        "search_graph",
        "Search the repository's knowledge graph for classes, functions and files, by exact "
        "name or by free text (identifiers, docstrings, paths).",
        {"query": _STR, "mode": {"type": "string", "enum": ["name", "text"]}},
        ["query"],
    ),
    _tool(
        "show_node",
        "Show one graph node by id (path::Qualified.name): kind, location, signature, docstring, "
        "callers and callees.",
        {"id": _STR},
        ["id"],
    ),
    _tool(
        "view_file",
        f"Show lines of a file with line numbers (at most {VIEW_MAX_LINES} lines a call).",
        {"path": _STR, "start_line": _INT, "end_line": _INT},
        ["path"],
    ),
    _tool("list_dir", "List a directory of the repository (directories end with /).", {"path": _STR}, []),
    _tool(
        "find_references",
        "Find where a name is used across the repository (graph references and calls).",
        {"name": _STR},
        ["name"],
    ),
    _tool(
        "edit_file",
        "Replace exact text in a file. `search` must occur exactly once in the file; include "
        "enough surrounding lines to make it unique. Whitespace matters.",
        {"path": _STR, "search": _STR, "replace": _STR},
        ["path", "search", "replace"],
    ),
    _tool(
        "create_file",
        "Create a new file (or overwrite one) with the given content.",
        {"path": _STR, "content": _STR},
        ["path", "content"],
    ),
    _tool(
        "run_command",
        "Run a shell command in the sandboxed copy of the repository (no network).",
        {"command": _STR, "timeout": _INT},
        ["command"],
    ),
    _tool(
        "run_tests",
        "Run tests in the sandbox: the given pytest paths or node ids, or the project's test command "
        "when none are given.",
        {"paths": {"type": "array", "items": _STR}},
        [],
    ),
    _tool(
        "submit",
        "Finish: the current changes are the fix. Give a one-paragraph summary of what you changed.",
        {"summary": _STR},
        ["summary"],
    ),
]
TOOL_NAMES = {t["function"]["name"] for t in TOOL_SCHEMAS}
_TYPES = {"string": str, "integer": int, "array": list}


def check_arguments(name: str, arguments: dict[str, Any]) -> str | None:
    """Why `arguments` do not fit tool `name`'s schema, or None when they do."""
    if name not in TOOL_NAMES:
        return f"there is no tool named {name!r}; the tools are: {', '.join(sorted(TOOL_NAMES))}"
    params = next(t["function"]["parameters"] for t in TOOL_SCHEMAS if t["function"]["name"] == name)
    missing = [key for key in params["required"] if key not in arguments]
    if missing:
        return f"{name} needs the argument(s) {', '.join(missing)}"
    for key, value in arguments.items():
        spec = params["properties"].get(key)
        if spec is None:
            return f"{name} has no argument {key!r}; its arguments are {', '.join(params['properties'])}"
        expected = _TYPES[spec["type"]]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            return f"argument {key!r} of {name} must be a {spec['type']}"
    return None


@dataclass
class ToolOutcome:
    """What a tool call produced: text for the model, whether it failed, and whether the model submitted."""

    text: str
    ok: bool = True
    submitted: bool = False


class ToolBox:
    """Runs tool calls against one workspace and the knowledge graph."""

    def __init__(
        self, workspace: Workspace, kg: KnowledgeGraph, *, test_cmd: str | None, timeout: float
    ) -> None:
        self.ws = workspace
        self.kg = kg
        self.test_cmd = test_cmd
        self.timeout = timeout
        self.handlers: dict[str, Callable[..., str]] = {
            "search_graph": self.search_graph,
            "show_node": self.show_node,
            "view_file": self.view_file,
            "list_dir": self.list_dir,
            "find_references": self.find_references,
            "edit_file": self.edit_file,
            "create_file": self.create_file,
            "run_command": self.run_command,
            "run_tests": self.run_tests,
        }

    def call(self, name: str, arguments: dict[str, Any]) -> ToolOutcome:
        """Run one validated call; a failure becomes an error text for the model, never an exception."""
        if name == "submit":
            return ToolOutcome("submitted", submitted=True)
        try:
            return ToolOutcome(self.handlers[name](**arguments))
        except WorkspaceError as exc:
            return ToolOutcome(f"error: {exc}", ok=False)

    # -- graph ------------------------------------------------------------------------------------------
    def _node(self, node_id: str) -> dict[str, Any] | None:
        return self.kg.node(node_id) if node_id in self.kg.graph else None

    def _describe(self, node_id: str) -> str:
        data = self._node(node_id) or {}
        span = f"{data.get('path', '?')}:{data.get('start_line', '?')}-{data.get('end_line', '?')}"
        sig = f" {data['signature']}" if data.get("signature") else ""
        return f"{node_id} [{data.get('kind', '?')}] {span}{sig}"

    def search_graph(self, query: str, mode: str = "text") -> str:
        ids = list(self.kg.find(query)) if mode == "name" else []
        if mode == "name" and not ids:
            mode = "text"
        if mode == "text":
            ids = [node_id for node_id, _ in self.kg.search_text(query, 15)]
        if not ids:
            return f"no graph nodes match {query!r}"
        return "\n".join(self._describe(i) for i in ids[:15])

    def show_node(self, id: str) -> str:  # noqa: A002 - the schema's argument name
        data = self._node(id)
        if data is None:
            raise WorkspaceError(f"no graph node {id!r}; use search_graph to find ids")
        lines = [self._describe(id)]
        if data.get("doc"):
            lines.append(f"doc: {data['doc']}")
        lines.append("callers: " + (", ".join(sorted(self.kg.callers(id))[:20]) or "none found"))
        lines.append("callees: " + (", ".join(sorted(self.kg.callees(id))[:20]) or "none found"))
        return "\n".join(lines)

    def find_references(self, name: str) -> str:
        refs = list(self.kg.references(name))
        if not refs:
            result = self.ws.exec(
                f"grep -rnwI --exclude-dir=.git -- {shlex.quote(name)} . | head -50", timeout=60
            )
            return result.stdout.strip() or f"no references to {name!r} found"
        return "\n".join(self._describe(r) if isinstance(r, str) else str(r) for r in refs[:40])

    # -- files ------------------------------------------------------------------------------------------
    def view_file(self, path: str, start_line: int = 1, end_line: int | None = None) -> str:
        lines = self.ws.read_text(path).splitlines()
        start = max(1, start_line)
        end = min(len(lines), end_line or start + VIEW_MAX_LINES - 1, start + VIEW_MAX_LINES - 1)
        if start > len(lines):
            raise WorkspaceError(f"{path} has only {len(lines)} lines")
        body = "\n".join(f"{n:>5} {lines[n - 1]}" for n in range(start, end + 1))
        more = f"\n[{len(lines) - end} more lines; view from line {end + 1}]" if end < len(lines) else ""
        return f"{path} (lines {start}-{end} of {len(lines)})\n{body}{more}"

    def list_dir(self, path: str = ".") -> str:
        return "\n".join(self.ws.list_dir(path)) or "(empty)"

    def edit_file(self, path: str, search: str, replace: str) -> str:
        text = self.ws.read_text(path)
        count = text.count(search) if search else 0
        if count == 0:
            raise WorkspaceError(
                f"the search text was not found in {path}; view the file and copy the exact "
                "lines, whitespace included"
            )
        if count > 1:
            raise WorkspaceError(
                f"the search text occurs {count} times in {path}; add surrounding lines so it "
                "occurs exactly once"
            )
        self.ws.write_text(path, text.replace(search, replace, 1))
        line = text[: text.index(search)].count("\n") + 1
        return (
            f"edited {path} at line {line} ({search.count(chr(10)) + 1} lines replaced by "
            f"{replace.count(chr(10)) + 1})"
        )

    def create_file(self, path: str, content: str) -> str:
        existed = self.ws.exists(path)
        self.ws.write_text(path, content)
        return f"{'overwrote' if existed else 'created'} {path} ({content.count(chr(10)) + 1} lines)"

    # -- execution --------------------------------------------------------------------------------------
    def run_command(self, command: str, timeout: int | None = None) -> str:
        result = self.ws.exec(command, timeout=min(float(timeout or self.timeout), self.timeout))
        return format_result(result, self.timeout if timeout is None else min(timeout, self.timeout))

    def run_tests(self, paths: list[str] | None = None) -> str:
        command = pytest_command(paths) if paths else (self.test_cmd or pytest_command())
        return f"$ {command}\n" + self.run_command(command)


def format_result(result: ExecResult, timeout: float) -> str:
    """A command's result as the model sees it: exit status first, then output."""
    if result.timed_out:
        head = f"timed out after {timeout:.0f} s (killed); the command may hang: try a narrower one"
    else:
        head = f"exit code {result.exit_code}"
    parts = [head]
    if result.stdout.strip():
        parts.append(f"stdout:\n{result.stdout.rstrip()}")
    if result.stderr.strip():
        parts.append(f"stderr:\n{result.stderr.rstrip()}")
    return "\n".join(parts)
