"""Nothing is left in the repository: `map`, `locate`, `translate plan` and `solve` (without --apply) leave
`git status` and every file of the checkout as they were; caches and runs go to the user cache folder."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from repowright.analyzers.cache import repository_cache_dir
from tests.agent.solve.scripted import DATA, FIX_MEAN, StepResponder, call, calls, model_env, submit
from tests.cli import isolated_folder, run_cli
from tests.scripted_server import ScriptedServer

C_PROJECT = Path(__file__).resolve().parents[2] / "data" / "c2rust"


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
    isolated_folder(repo)  # run_cli's empty repowright.toml: another file the user has, there before the runs
    before = snapshot(repo)
    for args in (["map", str(repo)], ["locate", str(repo), "--issue", "mean is wrong", "--no-model"]):
        proc = run_cli(*args, cwd=repo)
        assert proc.returncode == 0, proc.stderr
        assert snapshot(repo) == before, args
    responder = StepResponder(
        {"act": [calls(FIX_MEAN), calls(call("run_tests")), submit("divide by the number of values")]}
    )
    with ScriptedServer(responder=responder) as srv:
        proc = run_cli(
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
    isolated_folder(repo)
    before = snapshot(repo)
    proc = run_cli("translate", "plan", str(repo), cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert snapshot(repo) == before
