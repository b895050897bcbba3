"""Validation of a candidate patch in a clean sandbox: it applies, it parses, the reproduction test fails before
and passes after, and the existing tests that touch the changed code still pass."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from unidiff import PatchSet, UnidiffParseError

from repowright.analyzers.graph import KnowledgeGraph
from repowright.analyzers.kinds import CODE_KINDS
from repowright.sandbox import ExecResult

from ..repo_files import select_files
from .context import truncate
from .tools import format_result
from .workspace import GIT, SessionFactory, Workspace, pytest_command

CHECKS = (
    "applies",
    "parses",
    "reproduction_fails_before",
    "reproduction_passes_after",
    "existing_tests_pass",
)
_TEST_FILE = re.compile(r"(^|/)(test_[^/]*\.py|[^/]*_test\.py|conftest\.py)$|(^|/)tests?/[^/]*\.py$")
DETAIL_CHARS = 4000


@dataclass
class Validation:
    """The checks of one candidate (True, False, or None when not run) and what each printed."""

    checks: dict[str, bool | None] = field(default_factory=lambda: dict.fromkeys(CHECKS))
    details: dict[str, str] = field(default_factory=dict)
    tests_run: str | None = None
    environment_errors: dict[str, str] = field(default_factory=dict)  # check -> why its tests could not run

    @property
    def score(self) -> int:
        return sum(1 for v in self.checks.values() if v is True)

    @property
    def failed(self) -> list[str]:
        return [k for k, v in self.checks.items() if v is False]

    def to_dict(self) -> dict[str, Any]:
        return {
            "checks": self.checks,
            "details": self.details,
            "tests_run": self.tests_run,
            "score": self.score,
            "environment_errors": self.environment_errors,
        }

    def record(self, check: str, passed: bool, result: ExecResult, repo: Path) -> None:
        """Set `check` from a test run, unless the run could not even start for want of a dependency: then the
        check is an environment error (None), never a pass or a fail."""
        problem = environment_error(result, repo)
        if problem is None:
            self.checks[check] = passed
        else:
            self.checks[check] = None
            self.environment_errors[check] = problem


def changed_lines(patch: str) -> dict[str, list[tuple[int, int]]]:
    """Per file in a git diff, the line ranges of the new version that the patch adds to or deletes at.

    Context lines are left out, so a function next to an edit does not count as changed. The diff is read
    by unidiff, so content lines that start with `--- ` or `+++ ` are content, not file headers.
    """
    spans: dict[str, list[tuple[int, int]]] = {}
    try:
        files = PatchSet(patch)
    except UnidiffParseError:
        return spans
    for patched in files:
        if patched.is_removed_file:
            continue
        ranges = spans.setdefault(patched.path, [])
        for hunk in patched:
            line = hunk.target_start
            for row in hunk:
                if row.is_added:
                    _extend(ranges, line)
                    line += 1
                elif row.is_removed:
                    _extend(ranges, line)  # a deletion sits between line-1 and line of the new version
                elif row.is_context:
                    line += 1
    return spans


def _extend(ranges: list[tuple[int, int]], line: int) -> None:
    if ranges and ranges[-1][1] >= line - 1:
        ranges[-1] = (ranges[-1][0], max(ranges[-1][1], line))
    else:
        ranges.append((line, line))


def parse_errors(path: str, text: str) -> str | None:
    """Where tree-sitter finds a syntax error in `text`, or None when it parses (or has no grammar)."""
    from tree_sitter import Parser

    from repowright.analyzers.languages import grammar, language_of

    lang = language_of(path)
    if lang is None:
        return None
    tree = Parser(grammar(lang)).parse(text.encode())
    if not tree.root_node.has_error:
        return None
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            return f"{path}:{node.start_point[0] + 1}: syntax error near {(node.text or b'')[:40]!r}"
        stack.extend(c for c in node.children if c.has_error or c.is_error or c.is_missing)
    return f"{path}: syntax error"


CALLER_DEPTH = 4  # a test that reaches changed code through this many calls still "touches" it


def changed_nodes(kg: KnowledgeGraph | None, spans: dict[str, list[tuple[int, int]]]) -> list[str]:
    """Graph ids of the functions and classes whose lines the patch touches."""
    found: list[str] = []
    if kg is None:
        return found
    for node_id, data in kg.graph.nodes(data=True):
        ranges = spans.get(data.get("path", ""))
        if not ranges or data.get("kind") not in CODE_KINDS:
            continue
        start, end = data.get("start_line") or 0, data.get("end_line") or 0
        if any(lo <= end and start <= hi for lo, hi in ranges):
            found.append(node_id)
    return found


def calling_test_files(kg: KnowledgeGraph, nodes: list[str]) -> set[str]:
    """Test files with a function that calls one of `nodes`, directly or through up to CALLER_DEPTH calls."""
    seen, frontier, files = set(nodes), list(nodes), set[str]()
    for _ in range(CALLER_DEPTH):
        frontier = [c for n in frontier for c in kg.callers(n) if c not in seen]
        seen.update(frontier)
        files.update(path for c in frontier if _TEST_FILE.search(path := kg.graph.nodes[c].get("path", "")))
    return files


def related_tests(
    repo: Path, changed: list[str], names: set[str], exclude: set[str], callers: Collection[str] = ()
) -> list[str]:
    """Python test files that import a changed module, mention a changed function, or call into it (`callers`)."""
    modules = {Path(p).with_suffix("").as_posix().replace("/", ".") for p in changed if p.endswith(".py")}
    stems = {m.rsplit(".", 1)[-1] for m in modules if not m.endswith("__init__")}
    patterns = [re.compile(rf"\b(import|from)\s+[\w.]*\b{re.escape(s)}\b") for s in stems]
    patterns += [re.compile(rf"\b{re.escape(n)}\b") for n in names if len(n) > 2]
    found = []
    for rel in select_files(repo).files:  # what enters the sandbox; secret files never count as tests
        if not rel.endswith(".py") or rel in exclude or not _TEST_FILE.search(rel):
            continue
        path = repo / rel
        if rel.endswith("conftest.py"):
            continue
        text = path.read_text(errors="replace")
        if rel in callers or any(p.search(text) for p in patterns):
            found.append(rel)
    return found


def _outcome(title: str, result: ExecResult, timeout: float) -> str:
    return truncate(f"{title}\n{format_result(result, timeout)}", DETAIL_CHARS)  # keep the summary at the end


_MISSING_MODULE = re.compile(r"(?:ModuleNotFoundError|ImportError): No module named '([\w.]+)'")
_MISSING_FIXTURE = re.compile(r"\bfixture '(\w+)' not found")
_UNKNOWN_OPTION = re.compile(r"error: unrecognized arguments: (.*)")


def own_module(repo: Path, name: str) -> bool:
    """Whether top-level module `name` is part of the repository (then importing it failing is the code's fault)."""
    return any(
        p.exists()
        for p in (repo / name, repo / f"{name}.py", repo / "src" / name, repo / "src" / f"{name}.py")
    )


def environment_error(result: ExecResult, repo: Path) -> str | None:
    """Why a test run failed for want of something the environment lacks (a third-party module, a plugin's
    fixture or option), or None when it ran or failed on its own merits."""
    if result.ok:
        return None
    output = f"{result.stdout}\n{result.stderr}"
    for missing in _MISSING_MODULE.finditer(output):
        if not own_module(repo, missing.group(1).split(".")[0]):
            return f"environment error: module {missing.group(1)!r} is not installed in the test environment"
    if fixture := _MISSING_FIXTURE.search(output):
        return f"environment error: pytest fixture {fixture.group(1)!r} not found (a plugin missing?)"
    if option := _UNKNOWN_OPTION.search(output):
        return f"environment error: pytest does not know the option(s) {option.group(1).strip()} (a plugin missing?)"
    return None


_PYTEST_RESULT = re.compile(r"^(FAILED|ERROR) (\S+)", re.MULTILINE)
_PYTEST_SUMMARY = re.compile(r"^=+ .*\bin [\d.]+s\b.*=+$", re.MULTILINE)


def failing_tests(result: ExecResult) -> set[str] | None:
    """The failing test ids in pytest's short summary, or None when the output is not a finished pytest run."""
    output = result.stdout + "\n" + result.stderr
    if result.timed_out or not (
        _PYTEST_SUMMARY.search(output) or re.search(r"^\d+ (passed|failed)", output, re.M)
    ):
        return None
    return {m.group(2) for m in _PYTEST_RESULT.finditer(output)}


def still_pass(before: ExecResult | None, after: ExecResult) -> tuple[bool, str]:
    """Whether the tests still pass: all of them, or none that passed before the patch fails after it."""
    if after.ok:
        return True, "all passed"
    failed_after = failing_tests(after)
    failed_before = failing_tests(before) if before is not None else None
    if failed_after is None or failed_before is None or after.exit_code != 1:
        return False, "the tests failed" + (" (timed out)" if after.timed_out else "")
    new = sorted(failed_after - failed_before)
    if new:
        return False, "newly failing: " + ", ".join(new)
    return True, f"no new failures; {len(failed_after)} failed before the patch too: " + ", ".join(
        sorted(failed_after)
    )


def tests_command(
    repo: Path, spans: dict[str, list[tuple[int, int]]], kg: KnowledgeGraph | None, repro_path: str | None
) -> str | None:
    """pytest over the repository's tests that touch the changed code, or None when there are none."""
    nodes = changed_nodes(kg, spans)
    names = {str(kg.graph.nodes[n].get("name")) for n in nodes} if kg is not None else set()
    callers = calling_test_files(kg, nodes) if kg is not None else set()
    tests = related_tests(repo, list(spans), names, {repro_path} if repro_path else set(), callers)
    return pytest_command(tests) if tests else None


def validate_patch(
    sessions: SessionFactory,
    repo: Path,
    patch: str,
    *,
    reproduction: dict | None,
    test_cmd: str | None,
    kg: KnowledgeGraph | None = None,
    include_secrets: bool = False,
) -> Validation:
    """Run every check in one fresh session (the run's limits and environment) holding a clean copy of `repo`."""
    v = Validation()
    timeout = sessions.timeout
    repro_path = reproduction["path"] if reproduction else None
    spans = changed_lines(patch)
    command = test_cmd or (tests_command(repo, spans, kg, repro_path) if patch.strip() else None)
    with sessions.open() as session:
        ws = Workspace(
            session,
            repo,
            timeout=timeout,
            exclude_from_diff=(repro_path,) if repro_path else (),
            include_secrets=include_secrets,
        )
        if reproduction:
            ws.write_text(reproduction["path"], reproduction["content"])
            before = ws.exec(reproduction["command"], timeout=timeout)
            v.record("reproduction_fails_before", not before.ok, before, repo)
            v.details["reproduction_before"] = _outcome("before the patch:", before, timeout)
        if not patch.strip():
            v.checks["applies"] = False
            v.details["applies"] = "the candidate changed nothing"
            return v
        tests_before = ws.exec(command, timeout=timeout) if command else None
        session.put_files({".git/candidate.diff": patch})  # inside .git: never part of the tree or the diff
        applied = ws.git_exec(f"{GIT} apply --check .git/candidate.diff && {GIT} apply .git/candidate.diff")
        v.checks["applies"] = applied.ok
        if not applied.ok:
            v.details["applies"] = _outcome("git apply:", applied, timeout)
            return v
        errors = [e for e in (parse_errors(p, ws.read_text(p)) for p in spans) if e]
        v.checks["parses"] = not errors
        if errors:
            v.details["parses"] = "\n".join(errors)
        if reproduction:
            after = ws.exec(reproduction["command"], timeout=timeout)
            v.record("reproduction_passes_after", after.ok, after, repo)
            v.details["reproduction_after"] = _outcome("after the patch:", after, timeout)
        if command:
            v.tests_run = command
            result = ws.exec(command, timeout=timeout)
            passed, verdict = still_pass(tests_before, result)
            v.record("existing_tests_pass", passed, result, repo)
            v.details["existing_tests"] = _outcome(f"$ {command}\n{verdict}", result, timeout)
    return v
