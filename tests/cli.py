"""Run the `repowright` CLI as a user would, in a scrubbed environment.

No REPOWRIGHT_* variable of the developer's shell reaches the child, and the working folder holds an
empty repowright.toml, so a repowright.toml in a parent folder (the nearest one wins) is never read.
REPOWRIGHT_RUN_LABEL, the per-session container label (tests/containers.py), is passed on, so the container guard sees the child's
containers, and so is REPOWRIGHT_CACHE_DIR, the test's own user cache (tests/conftest.py), so a child never writes
to the developer's.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEEP = (
    "PATH",
    "HOME",
    "DOCKER_HOST",
    "DOCKER_CONFIG",
    "XDG_CACHE_HOME",
    "UV_CACHE_DIR",
    "SSL_CERT_FILE",
    "LANG",
    "REPOWRIGHT_RUN_LABEL",
    "REPOWRIGHT_CACHE_DIR",
)


def default_signals() -> None:
    """`preexec_fn` for a child a test signals: a suite started as a background job (`cmd &` in a script) ignores
    SIGINT and SIGQUIT, under `nohup` SIGHUP too, and children inherit that, so the signal would never reach the
    program under test."""
    for signum in (signal.SIGINT, signal.SIGQUIT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)


def scrubbed_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The test process's environment without REPOWRIGHT_* settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k in KEEP}
    env["PYTHONPATH"] = str(ROOT)
    return {**env, **(extra or {})}


def isolated_folder(folder: Path) -> Path:
    """`folder` with an empty repowright.toml, which hides any repowright.toml above it."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "repowright.toml"
    if not config.exists():
        config.write_text("")
    return folder


def run_cli(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 600,
    stdin: str | None = None,
) -> subprocess.CompletedProcess:
    """`repowright ARGS` in `cwd` (made isolated; a fresh temporary folder if None) with a scrubbed environment."""
    folder = isolated_folder(
        Path(cwd) if cwd is not None else Path(tempfile.mkdtemp(prefix="repowright-cli-"))
    )
    return subprocess.run(
        [sys.executable, "-m", "repowright.agent.cli.main", *args],
        capture_output=True,
        text=True,
        cwd=folder,
        env=scrubbed_env(env),
        timeout=timeout,
        input=stdin,
    )


def usage_error(proc: subprocess.CompletedProcess, *words: str) -> None:
    """Exit 2 with exactly one line on stderr, `error: ...`, naming each of `words`."""
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    for word in words:
        assert word in lines[0], lines[0]
