"""The `repowright sandbox` and `config` commands as a user runs them."""

from __future__ import annotations

import json
import subprocess
import time

import pytest

from tests.cli import run_cli


def repowright(*args: str, cwd=None, env=None, timeout=120) -> subprocess.CompletedProcess:
    return run_cli(*args, cwd=cwd, env=env, timeout=timeout)


@pytest.mark.docker
def test_run_prints_output_and_exit_code(tmp_path):
    (tmp_path / "data.txt").write_text("42\n")
    proc = repowright("sandbox", "run", "--workdir", str(tmp_path), "--", "sh", "-c", "cat data.txt; exit 3")
    assert proc.stdout == "42\n" and proc.returncode == 3


@pytest.mark.docker
def test_run_timeout_exits_124_quickly(tmp_path):
    """The 2 s timeout kills a 60 s sleep: the run costs about what a command that ends at once costs, plus 2 s."""
    start = time.monotonic()
    baseline = repowright("sandbox", "run", "--workdir", str(tmp_path), "--", "true")
    baseline_seconds = time.monotonic() - start
    assert baseline.returncode == 0, baseline.stderr
    start = time.monotonic()
    proc = repowright("sandbox", "run", "--timeout", "2", "--workdir", str(tmp_path), "--", "sleep", "60")
    assert proc.returncode == 124 and "timed out" in proc.stderr
    assert (
        time.monotonic() - start < 3 * baseline_seconds + 2 + 20
    )  # far from the 60 s an unkilled sleep takes


@pytest.mark.docker
def test_run_memory_kill_exits_137_and_says_so(tmp_path):
    proc = repowright(
        "sandbox",
        "run",
        "--memory",
        "64m",
        "--workdir",
        str(tmp_path),
        "--json",
        "--",
        "python3",
        "-c",
        "x = bytearray(512 << 20)",
    )
    data = json.loads(proc.stdout)
    assert proc.returncode == 137 and data["oom_killed"] is True and data["exit_code"] == 137
    assert set(data) >= {"exit_code", "stdout", "stderr", "timed_out", "oom_killed", "signal", "seconds"}


@pytest.mark.docker
def test_network_attempt_fails(tmp_path):
    proc = repowright(
        "sandbox",
        "run",
        "--workdir",
        str(tmp_path),
        "--",
        "python3",
        "-c",
        "import socket; socket.create_connection(('127.0.0.1', 9), timeout=2)",
    )
    assert proc.returncode == 1 and "ConnectionRefusedError" in proc.stderr


@pytest.mark.docker
def test_check_json():
    data = json.loads(repowright("sandbox", "check", "--json").stdout)
    assert data["backend"] == "docker" and data["isolation"]["user"]["found"] == "uid 1000 gid 1000"


def test_bad_workdir_is_a_one_line_error(tmp_path):
    proc = repowright("sandbox", "run", "--workdir", str(tmp_path / "missing"), "--", "true")
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("error:") and len(proc.stderr.strip().splitlines()) == 1


def test_config_show_masks_key(tmp_path):
    proc = repowright(
        "config",
        "show",
        "--json",
        cwd=tmp_path,
        env={"REPOWRIGHT_API_KEY": "sk-verysecretvalue", "REPOWRIGHT_MODEL": "m"},
    )
    data = json.loads(proc.stdout)
    assert data["llm"]["model"] == "m" and "verysecret" not in proc.stdout


def test_every_command_has_help():
    for args in (
        ["--help"],
        ["sandbox", "run", "--help"],
        ["sandbox", "check", "--help"],
        ["serve", "--help"],
        ["config", "show", "--help"],
    ):
        proc = repowright(*args)
        assert proc.returncode == 0 and "Usage" in proc.stdout


def test_serve_without_engine_is_a_clear_error():
    proc = repowright("serve", "--engine", "llama.cpp", "--model", "m.gguf", env={"PATH": "/nonexistent"})
    assert proc.returncode == 2 and "llama-server" in proc.stderr
