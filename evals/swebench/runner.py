"""Evaluate one prediction in the sandbox: clone at the base commit, apply the patch, run the tests, log."""

from __future__ import annotations

import shlex
import time
from dataclasses import dataclass, field
from pathlib import Path

from swebench.harness.constants import (
    APPLY_PATCH_FAIL,
    APPLY_PATCH_PASS,
    END_TEST_OUTPUT,
    START_TEST_OUTPUT,
    TESTS_TIMEOUT,
)

from repowright.sandbox import Limits, Mount, Sandbox

from .envs import Environment
from .errors import SetupError
from .specs import test_command, test_files

SRC, ENV, OVERLAY, VENV, REPO = "/opt/src", "/opt/env", "/opt/overlay", "/tmp/venv", "/work/repo"
HEREDOC = "EOF_114329324912"
# SWE-bench's order; the tree is reset between tries so a fuzzy try never lands on a half-applied one.
APPLY_COMMANDS = (
    ("git apply", "git apply --verbose {patch}"),
    ("git apply --reject", "git apply --verbose --reject {patch}"),
    ("patch --fuzz=5", "patch --batch --fuzz=5 -p1 -i {patch}"),
)
# Offline installs inside the sandbox: no index, no isolated build environments (they would download).
OFFLINE_PIP = {
    "PIP_NO_INDEX": "1",
    "PIP_NO_BUILD_ISOLATION": "0",
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    "VIRTUAL_ENV": VENV,
}
SKIPPED_PREINSTALL = ("apt-get", "apt ", "conda ", "sudo ", "wget ", "curl ", "locale-gen")


@dataclass
class RunResult:
    """What happened to one instance in the sandbox."""

    log: str
    applied_with: str | None
    apply_output: str = ""
    timed_out: bool = False
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def setup_script(
    instance: dict, env: Environment, spec: dict, overlay: bool = False
) -> tuple[str, list[str]]:
    """Shell that clones the base commit from the mounted mirror and layers a writable venv on the env."""
    base = shlex.quote(instance["base_commit"])
    interpreter = env.manifest["interpreter"]
    site = f"{ENV}/lib/python{env.python}/site-packages"
    lines = [
        "set -e",
        "git config --global --add safe.directory '*'",
        "git config --global user.email eval@repowright.invalid && git config --global user.name repowright",
        f"git clone -q --shared --no-checkout {SRC} {REPO}",
        f"cd {REPO} && git checkout -q {base} && git remote remove origin",
        f"{interpreter} -m venv --without-pip {VENV}",
        f"SP=$({VENV}/bin/python -c 'import sysconfig; print(sysconfig.get_paths()[\"purelib\"])')",
        # the overlay (base-commit extras) first, so its versions win over the environment's
        *(
            [f'echo "import site; site.addsitedir(\'{OVERLAY}\')" > "$SP/zy_repowright_overlay.pth"']
            if overlay
            else []
        ),
        f'echo "import site; site.addsitedir(\'{site}\')" > "$SP/zz_repowright_env.pth"',
        # console scripts of the env, re-pointed at the writable venv so they see the editable install
        f'for f in {ENV}/bin/*; do n=$(basename "$f"); [ -e {VENV}/bin/$n ] && continue; '
        f"head -n1 \"$f\" | grep -q '^#!.*python' || continue; "
        f"{{ echo '#!{VENV}/bin/python'; tail -n +2 \"$f\"; }} > {VENV}/bin/$n; chmod +x {VENV}/bin/$n; done",
    ]
    skipped: list[str] = []
    for number, cmd in enumerate(spec.get("pre_install", []), 1):
        if cmd.lstrip().startswith(SKIPPED_PREINSTALL):
            skipped.append(f"pre_install skipped (needs root or a network): {cmd}")
        else:  # a failing step is logged, not fatal: SWE-bench's images ran these as root with a network
            lines.append(f"(cd {REPO} && {cmd}) || echo 'repowright: pre_install step {number} failed' >&2")
    return "\n".join(lines) + "\n", skipped


def eval_script(instance: dict, spec: dict) -> str:
    """SWE-bench's evaluation script for Python repositories, on a venv instead of conda."""
    base = shlex.quote(instance["base_commit"])
    files = " ".join(shlex.quote(f) for f in test_files(instance))
    reset = f"git checkout {base} {files}" if files else "echo 'No test files to reset'"
    lines = [
        "set -uxo pipefail",
        f"export PATH={VENV}/bin:$PATH",
        f"cd {REPO}",
        *spec.get("eval_commands", []),
        "git status",
        "git show --stat",
        f"git -c core.fileMode=false diff {base}",
    ]
    if spec.get("install"):
        lines.append(spec["install"])
    lines += [
        reset,
        f"git apply -v - <<'{HEREDOC}'\n{instance['test_patch']}\n{HEREDOC}",
        f": '{START_TEST_OUTPUT}'",
        test_command(spec, instance),
        f": '{END_TEST_OUTPUT}'",
        reset,
    ]
    return "\n".join(lines) + "\n"


def run_instance(
    sandbox: Sandbox,
    instance: dict,
    patch: str,
    env: Environment,
    mirror: Path,
    spec: dict,
    *,
    timeout: float,
    limits: Limits,
    overlay: Path | None = None,
) -> RunResult:
    """Apply `patch` and run the instance's tests in a fresh sandbox session; the log is SWE-bench-shaped."""
    start = time.monotonic()
    mounts = [Mount(str(mirror), SRC), Mount(str(env.path), ENV)]
    if overlay is not None:
        mounts.append(Mount(str(overlay), OVERLAY))
    with sandbox.session(limits=limits, mounts=mounts, env=OFFLINE_PIP) as sess:
        setup, notes = setup_script(instance, env, spec, overlay is not None)
        sess.put_files(
            {"setup.sh": setup, "eval.sh": eval_script(instance, spec), "model.patch": patch}, "/tmp"
        )
        prepared = sess.exec("bash /tmp/setup.sh", timeout=600)
        if not prepared.ok:
            raise SetupError(f"sandbox setup failed: {(prepared.stderr or prepared.stdout).strip()[-400:]}")
        # a snapshot may lack some objects (large files): git checks out the rest and says so only on stderr
        absent = sess.exec("git ls-files --deleted", workdir=REPO, timeout=120).stdout.split()
        if absent:
            notes.append(
                f"the repository copy lacks {len(absent)} file(s) of the base commit "
                f"(absent git objects): {', '.join(absent[:5])}"
            )
        applied_with, outputs = None, []
        for name, template in APPLY_COMMANDS:
            tried = sess.exec(template.format(patch="/tmp/model.patch"), workdir=REPO, timeout=120)
            outputs.append(f"$ {name}\n{tried.stdout}{tried.stderr}")
            if tried.ok:
                applied_with = name
                break
            sess.exec("git checkout -q -- . && git clean -fdq", workdir=REPO, timeout=120)
        apply_output = "\n".join(outputs)
        if applied_with is None:
            log = f"{APPLY_PATCH_FAIL}:\n{apply_output}\n"
            return RunResult(log, None, apply_output, seconds=time.monotonic() - start, notes=notes)
        remaining = max(1.0, timeout - (time.monotonic() - start))
        ran = sess.exec("bash /tmp/eval.sh > /tmp/test_output.txt 2>&1", timeout=remaining)
        output = sess.read_file("/tmp/test_output.txt").decode("utf-8", errors="replace")
    log = f"{APPLY_PATCH_PASS} ({applied_with}):\n{apply_output}\n{output}"
    if ran.timed_out:
        log += f"\n{TESTS_TIMEOUT} after {timeout:.0f}s\n"
    return RunResult(log, applied_with, apply_output, ran.timed_out, time.monotonic() - start, notes)
