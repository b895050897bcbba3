"""Command-line conventions and bad input: --version, completion, -v anywhere, clean piped stdout, and one-line
exit-2 errors for unusable output folders, issue files, cases and event payloads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import usage_error
from tests.scripted_server import Reply, ScriptedServer

ROOT = Path(__file__).resolve().parents[3]
KG = ROOT / "tests" / "data" / "kg" / "python"
C_DIR, CRATE = ROOT / "examples" / "c2rust" / "c", ROOT / "examples" / "c2rust" / "rust"


def repowright(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("REPOWRIGHT_")}
    return subprocess.run(
        [sys.executable, "-m", "repowright.agent.cli.main", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**clean, "PYTHONPATH": str(ROOT), "XDG_CONFIG_HOME": str(cwd / "xdg"), **(env or {})},
    )


@pytest.fixture
def read_only(tmp_path) -> Path:
    """A folder this process cannot write in (root ignores mode bits, so then a sysfs folder stands in)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        (folder / "probe").write_text("")
    except OSError:
        return folder
    (folder / "probe").unlink()
    return Path("/sys/kernel")


def test_version_and_shell_completion(tmp_path):
    proc = repowright("--version", cwd=tmp_path)
    assert (
        proc.returncode == 0 and proc.stdout.startswith("repowright ") and proc.stdout.split()[1][0].isdigit()
    )
    # what `--install-completion` puts in the shell's startup file asks for this script
    proc = repowright(cwd=tmp_path, env={"_REPOWRIGHT_COMPLETE": "source_bash"})
    assert proc.returncode == 0 and "_repowright_completion()" in proc.stdout and "complete " in proc.stdout


def test_every_help_shows_an_example(tmp_path):
    commands = [
        [],
        ["map"],
        ["locate"],
        ["solve"],
        ["translate"],
        ["translate", "plan"],
        ["translate", "verify"],
        ["translate", "run"],
        ["constraints"],
        ["fuzz"],
        ["config"],
        ["config", "show"],
        ["serve"],
        ["eval"],
        ["eval", "swebench"],
        ["eval", "swebench", "evaluate"],
        ["eval", "swebench", "run"],
        ["action"],
        ["sandbox", "check"],
        ["sandbox", "run"],
        ["sandbox", "clean"],
        ["trajectory", "show"],
    ]
    for command in commands:
        proc = repowright(*command, "--help", cwd=tmp_path)
        assert proc.returncode == 0 and "Example: repowright " + " ".join(command[:1]) in proc.stdout, command


def test_verbose_after_the_subcommand_shows_own_logs_not_libraries(tmp_path):
    with ScriptedServer(responder=lambda body: Reply(content="5")) as srv:
        env = {"REPOWRIGHT_BASE_URL": srv.base_url, "REPOWRIGHT_MODEL": "scripted"}
        args = [
            "locate",
            str(KG),
            "--issue",
            "shapes area",
            "--model",
            "--max-model-calls",
            "2",
            "--json",
            "--simulations",
            "20",
            "--cache-dir",
            str(tmp_path / "cache"),
        ]
        quiet = repowright(*args, cwd=tmp_path, env=env)
        one = repowright(*args, "-v", cwd=tmp_path, env=env)
        two = repowright(*args, "-vv", cwd=tmp_path, env=env)
    for proc in (quiet, one, two):
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["files"]  # stdout stays pure JSON whatever the verbosity
    assert "DEBUG" not in quiet.stderr
    assert "repowright.agent.llm DEBUG model call" in one.stderr
    assert not [line for line in one.stderr.splitlines() if " repowright." not in line]
    assert "repowright.agent.llm DEBUG" in two.stderr and "openai._base_client DEBUG" in two.stderr


def test_piped_stdout_is_not_wrapped(tmp_path):
    url = "http://127.0.0.1:8000/v1/" + "a-long-path-segment/" * 6
    proc = repowright("config", "show", cwd=tmp_path, env={"REPOWRIGHT_BASE_URL": url})
    assert proc.returncode == 0 and f"  base_url = '{url}'" in proc.stdout.splitlines()


def test_no_endpoint_message_keeps_its_brackets(tmp_path):
    proc = repowright(
        "locate", str(KG), "--issue", "x", "--model", "--cache-dir", str(tmp_path / "c"), cwd=tmp_path
    )
    usage_error(proc, "no model endpoint is configured", "[llm] base_url")


def test_output_folders_that_cannot_be_used(tmp_path, read_only):
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "a-dir").mkdir()
    usage_error(
        repowright(
            "map", str(KG), "--out", str(tmp_path / "a-dir"), "--cache-dir", str(tmp_path / "c"), cwd=tmp_path
        ),
        "--out",
        "is a directory",
    )
    usage_error(
        repowright(
            "map",
            str(KG),
            "--out",
            str(read_only / "g.json"),
            "--cache-dir",
            str(tmp_path / "c"),
            cwd=tmp_path,
        ),
        "cannot write --out",
    )
    env = {"REPOWRIGHT_BASE_URL": "http://127.0.0.1:9/v1", "REPOWRIGHT_MODEL": "m"}
    usage_error(
        repowright(
            "solve", str(KG), "--issue", "x", "--out", str(tmp_path / "a-file"), cwd=tmp_path, env=env
        ),
        "--out",
        "is a file",
    )
    usage_error(
        repowright("solve", str(KG), "--issue", "x", "--out", str(read_only / "run"), cwd=tmp_path, env=env),
        "--out",
    )
    usage_error(
        repowright("constraints", "torch.gather", "--out", str(read_only / "c"), cwd=tmp_path), "--out"
    )
    usage_error(repowright("constraints", "", cwd=tmp_path), "API name is empty")


def test_issue_files_that_are_not_text(tmp_path):
    (tmp_path / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    env = {"REPOWRIGHT_BASE_URL": "http://127.0.0.1:9/v1", "REPOWRIGHT_MODEL": "m"}
    usage_error(
        repowright("solve", str(KG), "--issue-file", str(tmp_path / "binary.md"), cwd=tmp_path, env=env),
        "--issue-file",
        "not UTF-8 text",
    )
    usage_error(
        repowright("locate", str(KG), "--issue-file", str(tmp_path), cwd=tmp_path),
        "--issue-file",
        "is a directory",
    )


def test_translate_inputs_are_checked_before_any_model_call(tmp_path):
    cases = tmp_path / "cases.yaml"
    cases.write_text("- name: one\n  args: 5\n")
    usage_error(
        repowright(
            "translate",
            "verify",
            "--c",
            str(C_DIR),
            "--rust",
            str(CRATE),
            "--cases",
            str(cases),
            cwd=tmp_path,
        ),
        "args: 5",
        "a list of strings",
    )
    (tmp_path / "crate-file").write_text("x")
    with ScriptedServer([]) as srv:
        env = {"REPOWRIGHT_BASE_URL": srv.base_url, "REPOWRIGHT_MODEL": "scripted"}
        usage_error(
            repowright(
                "translate", "run", str(C_DIR), "--out", str(tmp_path / "crate-file"), cwd=tmp_path, env=env
            ),
            "--out",
            "is a file",
        )
        proc = repowright(
            "translate",
            "run",
            str(C_DIR),
            "--out",
            str(tmp_path / "crate"),
            "--max-fix-rounds",
            "-5",
            cwd=tmp_path,
            env=env,
        )
        assert proc.returncode == 2 and "--max-fix-rounds" in proc.stderr
    assert srv.requests == []


@pytest.mark.parametrize(
    "payload",
    [
        b"\xff\xfe\x00binary",
        b"[1, 2, 3]",
        b'{"issue": "nope"}',
        b'{"issue": {"number": "seven", "title": "t"}}',
        b'{"action": "created", "issue": {"number": 1}, "comment": {"body": 5}}',
    ],
)
def test_action_with_a_malformed_event_payload(tmp_path, payload):
    event = tmp_path / "event.json"
    event.write_bytes(payload)
    env = {
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_EVENT_NAME": "issue_comment",
        "GITHUB_REPOSITORY": "o/r",
        "GITHUB_TOKEN": "ghs_test_token_123",
        "GITHUB_API_URL": "http://127.0.0.1:9",
    }
    usage_error(repowright("action", cwd=tmp_path, env=env), "event payload")
