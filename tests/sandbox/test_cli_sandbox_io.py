"""`repowright sandbox` as a user runs it: exact bytes into pipes, sanitized text onto terminals, clear errors."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import pytest

from repowright.agent.cli.sandbox_cmd import strip_terminal_controls

CLI = [sys.executable, "-m", "repowright.agent.cli.main"]
HOSTILE = r"printf 'ok\033]0;owned title\007 \033[31mred\033[0m\033[2J\033P+q\033\\ \r\n\xff\xfe\x00end\n'"


def test_strip_terminal_controls_keeps_text_and_drops_sequences():
    raw = b"a\x1b]0;title\x07b\x1b[31mc\x1b[0m\x1b[2Jd\x1bPq\x1b\\e\xc2\x9b1mf\r\ng\th\x07\x08\n"
    assert strip_terminal_controls(raw) == b"abcdef\ng\th\n"
    assert strip_terminal_controls("Лось › naïve\n".encode()) == "Лось › naïve\n".encode()  # UTF-8 intact


@pytest.mark.docker
def test_binary_output_reaches_a_pipe_byte_for_byte(tmp_path):
    proc = subprocess.run(
        [
            *CLI,
            "sandbox",
            "run",
            "--workdir",
            str(tmp_path),
            "--",
            "sh",
            "-c",
            r"printf '\377\376\000\033[31m'",
        ],
        capture_output=True,
        timeout=120,
    )
    assert (
        proc.returncode == 0 and proc.stdout == b"\xff\xfe\x00\x1b[31m"
    )  # before: U+FFFD replaced the bytes


@pytest.mark.docker
def test_escape_sequences_do_not_reach_a_terminal(tmp_path):
    master, slave = pty.openpty()
    try:
        proc = subprocess.run(
            [*CLI, "sandbox", "run", "--workdir", str(tmp_path), "--", "sh", "-c", HOSTILE],
            stdout=slave,
            stderr=subprocess.PIPE,
            timeout=120,
        )
        os.close(slave)
        shown = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(master)
    assert proc.returncode == 0
    assert b"\x1b" not in shown and b"\x07" not in shown
    assert b"ok" in shown and b"red" in shown and b"end" in shown


def test_workdir_symlink_is_one_line_exit_2(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    proc = subprocess.run(
        [*CLI, "sandbox", "run", "--workdir", str(tmp_path / "link"), "--", "true"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = proc.stderr.strip().splitlines()
    assert (
        proc.returncode == 2
        and len(lines) == 1
        and "symbolic link" in lines[0]
        and str(tmp_path / "real") in lines[0]
    )


@pytest.mark.docker
def test_check_fails_when_the_configured_network_is_on():
    proc = subprocess.run(
        [*CLI, "sandbox", "check", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "REPOWRIGHT_SANDBOX_NETWORK": "host"},
    )
    report = json.loads(proc.stdout)
    assert proc.returncode == 1 and report["isolated"] is False  # before: exit 0 and "network": "none"
    assert report["isolation"]["network"]["ok"] is False and "host" in report["isolation"]["network"]["found"]


@pytest.mark.docker
def test_check_passes_with_the_defaults():
    proc = subprocess.run([*CLI, "sandbox", "check"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "sandbox ok" in proc.stdout and "FAIL" not in proc.stdout


@pytest.mark.docker
def test_a_work_dir_too_large_to_copy_in_is_one_line_exit_2(tmp_path):
    subprocess.run(["truncate", "-s", "2500M", str(tmp_path / "huge.bin")], check=True)
    proc = subprocess.run(
        [*CLI, "sandbox", "run", "--workdir", str(tmp_path), "--", "true"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1 and "huge.bin" in lines[0] and "work dir" in lines[0]
