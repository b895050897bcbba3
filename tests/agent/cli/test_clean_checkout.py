"""Nothing is left in the repository: `map`, `locate`, `translate plan` and `solve` (without --apply) leave
`git status` and every file of the checkout as they were; caches and runs go to the user cache folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from repowright.analyzers.cache import repository_cache_dir
from tests.agent.cli.test_solve_cmd import CLEAN_ENV, model_env
from tests.agent.solve.scripted import DATA, StepResponder
from tests.scripted_server import Reply, ScriptedServer

C_PROJECT = Path(__file__).resolve().parents[2] / "data" / "c2rust"


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "repowright.agent.cli.main", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **CLEAN_ENV, **(env or {})},
        timeout=600,
    )


def snapshot(repo: Path) -> tuple[str, dict[str, int]]:
    """`git status --porcelain --ignored` and the mtime of every file and folder, .git left out."""
    status = subprocess.run(
        ["git", "status", "--porcelain", "--ignored"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    times = {str(p.relative_to(repo)): p.stat().st_mtime_ns for p in repo.rglob("*") if ".git" not in p.parts}
    return status, times


def git_repo(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], cwd=dest, check=True)
    subprocess.run([*git, "add", "-A"], cwd=dest, check=True)
    subprocess.run([*git, "commit", "-qm", "init"], cwd=dest, check=True)
    return dest


@pytest.mark.docker
def test_commands_leave_the_checkout_untouched(tmp_path, user_cache):
    repo = git_repo(DATA / "stats" / "repo", tmp_path / "stats")
    (repo / "notes.txt").write_text("an untracked file the user has\n")
    before = snapshot(repo)
    for args in (["map", str(repo)], ["locate", str(repo), "--issue", "mean is wrong", "--no-model"]):
        proc = cli(*args, cwd=repo)
        assert proc.returncode == 0, proc.stderr
        assert snapshot(repo) == before, args
    responder = StepResponder(
        {
            "act": [
                Reply(
                    tool_calls=[
                        (
                            "edit_file",
                            {
                                "path": "textstats/stats.py",
                                "search": "(len(values) - 1)",
                                "replace": "len(values)",
                            },
                        )
                    ]
                ),
                Reply(tool_calls=[("run_tests", {})]),
                Reply(tool_calls=[("submit", {"summary": "divide by the number of values"})]),
            ]
        }
    )
    with ScriptedServer(responder=responder) as srv:
        proc = cli(
            "solve",
            str(repo),
            "--issue",
            "mean([2, 4, 6]) is 6.0",
            "--max-steps",
            "5",
            cwd=repo,
            env=model_env(srv.base_url),
        )
    assert proc.returncode == 0, proc.stderr
    assert snapshot(repo) == before
    (run,) = (repository_cache_dir(repo) / "runs").iterdir()
    assert (run / "patch.diff").read_text().strip() and str(user_cache) in str(run)
    assert (repository_cache_dir(repo) / "graph").is_dir()


def test_translate_plan_leaves_the_checkout_untouched(tmp_path):
    project = next(p.parent for p in sorted(C_PROJECT.rglob("*.c")))
    repo = git_repo(project, tmp_path / "c")
    before = snapshot(repo)
    proc = cli("translate", "plan", str(repo), cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert snapshot(repo) == before
