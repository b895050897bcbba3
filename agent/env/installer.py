"""Install PyPI packages for an environment on the host: uv with a date cutoff, else pip.

Packages resolve as of a cutoff date (`uv pip install --exclude-newer`): the environment commit's date,
but no earlier than SWE-bench's own environments (early 2024), whose packages its FAIL_TO_PASS and
PASS_TO_PASS lists were validated with. Today's packages break old repositories (numpy 2 dropped
`np.Inf`, setuptools 81 dropped `pkg_resources`); a commit-date cutoff breaks grading (pytest < 5
prints no PASSED lines for `-rA`; pytest 8 dropped nose-style `setup` methods old suites use).
uv installs into Python >= 3.8; for older interpreters uv resolves (`uv pip compile --python-version`,
same cutoff) and the interpreter's own pip installs the pinned set with `--no-deps`. Wheels first; sdists (which run PyPI packages' build
scripts, never the repository's) only when wheels cannot satisfy the set.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

UV_MIN_PYTHON = (3, 8)  # uv installs into these; it still resolves for older ones
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


class InstallError(RuntimeError):
    """pip or uv failed; the message holds the command and the last lines of its output."""


def uv_binary() -> str | None:
    """The uv executable beside this interpreter, or on PATH."""
    beside = Path(sys.executable).parent / "uv"
    return str(beside) if beside.exists() else shutil.which("uv")


class Installer:
    """Creates a virtualenv from `interpreter` and installs requirements into it (or into a target dir)."""

    def __init__(self, interpreter: Path, python: str, cutoff: str | None, *, timeout: float = 1800) -> None:
        self.interpreter = interpreter
        self.python = python
        self.uv = uv_binary()
        self.uv_installs = (
            self.uv is not None and tuple(int(x) for x in python.split(".")[:2]) >= UV_MIN_PYTHON
        )
        self.cutoff = cutoff if self.uv else None
        self.timeout = timeout
        self.log: list[str] = []

    @property
    def tool(self) -> str:
        return "uv" if self.uv_installs else "uv pip compile + pip" if self.uv else "pip"

    def create(self, path: Path) -> None:
        if self.uv_installs and self.uv:
            self._run([self.uv, "venv", "-q", "--python", str(self.interpreter), str(path)])
        else:
            self._run([str(self.interpreter), "-m", "venv", str(path)])

    def install(
        self, venv: Path, reqs: list[str], *, target: Path | None = None, constraints: list[str] | None = None
    ) -> bool:
        """Install `reqs` (within `constraints`, pins from a lock file); True when wheels alone sufficed.
        Raises InstallError when nothing works."""
        python = str(venv / "bin" / "python")
        if self.uv_installs and self.uv:
            base = [self.uv, "pip", "install", "-q", "--python", python]
            if self.cutoff:
                base += ["--exclude-newer", self.cutoff, *exempt_exact_pins(reqs)]
        else:
            base = [python, "-m", "pip", "--disable-pip-version-check", "install", "-q"]
            if self.uv:  # pip of an old Python installs what uv resolved for it
                reqs, base = self.compile(reqs), base + ["--no-deps"]
        if target is not None:
            base += ["--target", str(target)]
        if constraints:
            handle = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
            handle.write("\n".join(constraints) + "\n")
            handle.close()
            base += ["-c", handle.name]
        try:
            return self._install(base, reqs)
        finally:
            if constraints:
                os.unlink(handle.name)

    def _install(self, base: list[str], reqs: list[str]) -> bool:
        try:
            self._run(base + ["--only-binary", ":all:", *reqs])
            return True
        except InstallError:
            self._run(base + ([] if self.uv_installs else ["--prefer-binary"]) + reqs)
            return False

    def compile(self, reqs: list[str]) -> list[str]:
        """The pinned closure of `reqs` for this Python, as of the cutoff (uv's resolver, no install)."""
        assert self.uv is not None
        with tempfile.NamedTemporaryFile("w", suffix=".in", delete=False) as handle:
            handle.write("\n".join(reqs) + "\n")
        try:
            argv = [
                self.uv,
                "pip",
                "compile",
                "-q",
                "--no-header",
                "--no-annotate",
                "--python-version",
                self.python,
                handle.name,
            ] + (["--exclude-newer", self.cutoff, *exempt_exact_pins(reqs)] if self.cutoff else [])
            self._run(argv)
            return [line.strip() for line in self.log[-2].splitlines() if "==" in line]
        finally:
            os.unlink(handle.name)

    def freeze(self, venv: Path) -> list[str]:
        python = str(venv / "bin" / "python")
        argv = (
            [self.uv, "pip", "freeze", "--python", python]
            if self.uv_installs and self.uv
            else [python, "-m", "pip", "freeze", "--all"]
        )
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=self._env())
        return proc.stdout.splitlines()

    def _env(self) -> dict[str, str]:
        env = {**os.environ, "PIP_NO_INPUT": "1", "UV_NO_PROGRESS": "1", "UV_NO_CONFIG": "1"}
        if os.path.exists(CA_BUNDLE):
            env.setdefault("SSL_CERT_FILE", CA_BUNDLE)
        return env

    def _run(self, argv: list[str]) -> None:
        self.log.append("$ " + " ".join(argv))
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, timeout=self.timeout, env=self._env())
        except subprocess.TimeoutExpired as exc:
            raise InstallError(f"`{' '.join(argv[:5])}` timed out after {self.timeout}s") from exc
        self.log += [proc.stdout, proc.stderr]
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            raise InstallError(f"{' '.join(argv[1:4])} failed: {' | '.join(tail)}")


def install_in_steps(
    installer: Installer, venv: Path, steps: list[list[str]], constraints: list[str] | None = None
) -> bool:
    """Install each step into `venv` in order (a later pin replaces an earlier one); True when wheels sufficed."""
    return all([installer.install(venv, step, constraints=constraints) for step in steps])


def exempt_exact_pins(reqs: list[str]) -> list[str]:
    """uv options that lift the date cutoff for packages pinned to one version (`name==X`): the official
    harness installs such a pin whatever its date (SWE-bench's specs pin setuptools==70.0.0, from 2024-05)."""
    options = []
    for req in reqs:
        match = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*===?\s*[^,;*\s]+\s*(;.*)?$", req)
        if match:
            options += ["--exclude-newer-package", f"{match.group(1)}={NO_CUTOFF}"]
    return options


NO_CUTOFF = "2100-01-01T00:00:00Z"
SWEBENCH_IMAGES_DATE = "2024-01-01T00:00:00Z"  # numpy 1.26, pytest 7.4, setuptools 69: SWE-bench's era


def resolution_cutoff(mirror: Path, commit: str, floor: str = SWEBENCH_IMAGES_DATE) -> str:
    """The date packages resolve as of: `commit`'s committer date (UTC), or `floor` when that is later."""
    proc = subprocess.run(
        [
            "git",
            "-C",
            str(mirror),
            "log",
            "-1",
            "--format=%cd",
            "--date=format-local:%Y-%m-%dT%H:%M:%SZ",
            commit,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "TZ": "UTC"},
    )
    date = proc.stdout.strip()
    return max(date, floor) if date else floor
