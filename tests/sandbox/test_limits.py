"""Every sandbox limit is validated: zero, negative, infinite, absurd and malformed values are refused."""

from __future__ import annotations

import subprocess
import sys

import pytest

from repowright.sandbox import LimitError, Limits
from repowright.sandbox.limits import parse_size, tmpfs_sizes

BAD = [
    {"timeout": 0},
    {"timeout": -1},
    {"timeout": -5},
    {"timeout": float("inf")},
    {"timeout": float("nan")},
    {"timeout": 1e12},
    {"memory": "0"},
    {"memory": "-1"},
    {"memory": "banana"},
    {"memory": "1k"},
    {"memory": "1e12"},
    {"memory": "inf"},
    {"memory": "100t"},
    {"cpus": 0},
    {"cpus": -1},
    {"cpus": float("inf")},
    {"cpus": float("nan")},
    {"cpus": 1e12},
    {"pids": 0},
    {"pids": -1},
    {"pids": 10**12},
    {"pids": 2.5},
    {"network": "bridge"},
]


@pytest.mark.parametrize("bad", BAD, ids=lambda d: f"{next(iter(d))}={next(iter(d.values()))}")
def test_bad_limit_is_refused_with_a_message_naming_it(bad):
    name = next(iter(bad))
    with pytest.raises(LimitError) as info:
        Limits(**bad)
    message = str(info.value)
    assert name.rstrip("s") in message and "\n" not in message


def test_good_limits_pass():
    assert Limits(timeout=0.5, memory="64m", cpus=0.5, pids=16).memory == "64m"
    assert parse_size("512m") == 512 << 20 and parse_size("2g") == 2 << 30 and parse_size("1.5G") == 3 << 29


def test_writable_mounts_leave_memory_for_processes():
    sizes = tmpfs_sizes("512m", "2g")
    assert sizes == {"/work": 256 << 20, "/tmp": 128 << 20, "/home/sandbox": 64 << 20}
    assert sum(sizes.values()) < 512 << 20


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "repowright.agent.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "flag,value",
    [
        ("--memory", "banana"),
        ("--memory", "0"),
        ("--memory", "1k"),
        ("--timeout", "0"),
        ("--timeout", "-1"),
        ("--timeout", "inf"),
        ("--timeout", "nan"),
        ("--cpus", "-1"),
        ("--cpus", "0"),
        ("--cpus", "1e12"),
    ],
)
def test_cli_bad_limit_is_one_line_exit_2(flag, value, tmp_path):
    proc = cli("sandbox", "run", flag, value, "--workdir", str(tmp_path), "--", "true")
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert (
        len(lines) == 1 and lines[0].startswith("error: sandbox") and flag.strip("-").rstrip("s") in lines[0]
    )


def test_pids_from_the_environment_is_validated(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "repowright.agent.cli.main",
            "sandbox",
            "run",
            "--workdir",
            str(tmp_path),
            "--",
            "true",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "REPOWRIGHT_SANDBOX_PIDS": "0"},
    )
    assert proc.returncode == 2 and "pids" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
