"""The official harness's install order, reproduced as data: which requirements go in which step.

SWE-bench builds an environment in steps: the environment's packages (conda packages, a requirements file
or an environment.yml), then the spec's `pip_packages` (`pip install ...`), then the `pre_install`
commands, then the `install` command (`pip install -e .[extras]`), each in the environment the previous
step left. So a later pin replaces an earlier one (`MarkupSafe==2.1.1` after a requirements file's
`MarkupSafe==2.1.2`); resolving everything at once instead fails on such pairs. `pre_install` commands
that edit the dependency files (`sed -i 's/a/b/' setup.py`, guarded by `grep -q`) are applied here to
the file texts read from git, never by running a shell.
"""

from __future__ import annotations

import re
import shlex

from repowright.agent.env.installer import install_in_steps

__all__ = ["DEPENDENCY_FILES", "apply_pre_install", "flatten", "install_in_steps"]

DEPENDENCY_FILES = ("setup.py", "setup.cfg", "pyproject.toml")


def flatten(steps: list[list[str]]) -> list[str]:
    """All requirements of all steps, first occurrence kept (what a one-shot resolve would be asked)."""
    return list(dict.fromkeys(r for step in steps for r in step))


def _bre_to_python(pattern: str) -> str:
    """A sed basic regular expression as a Python one (the subset spec files use)."""
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            out.append({"(": "(", ")": ")", "{": "{", "}": "}", "|": "|"}.get(nxt, re.escape(nxt)))
            i += 2
            continue
        if char == "[":
            end = pattern.find("]", i + 2)
            if end != -1:
                out.append(pattern[i : end + 1])
                i = end + 1
                continue
        out.append(char if char in ".*^$" else re.escape(char))
        i += 1
    return "".join(out)


def _sed_substitute(expr: str, text: str) -> str | None:
    """Apply one `s/a/b/[g]` expression; None when the expression is not a plain substitution."""
    if len(expr) < 4 or expr[0] != "s":
        return None
    sep = expr[1]
    parts = re.split(r"(?<!\\)" + re.escape(sep), expr[2:])
    if len(parts) != 3 or parts[2] not in ("", "g"):
        return None
    regex = re.compile(_bre_to_python(parts[0]))
    repl = re.sub(r"\\(\d)", r"\\g<\1>", parts[1].replace("\\" + sep, sep)).replace("&", r"\g<0>")
    return regex.sub(repl, text, count=0 if parts[2] == "g" else 1)


def _run_simple(argv: list[str], files: dict[str, str]) -> bool | None:
    """Run `grep -q PAT FILE` or `sed -i EXPR FILE` on `files`; its success, or None when not understood."""
    if len(argv) == 4 and argv[:2] == ["grep", "-q"]:
        text = files.get(argv[3])
        return text is not None and re.search(_bre_to_python(argv[2]), text) is not None
    if len(argv) == 4 and argv[:2] == ["sed", "-i"]:
        if argv[3] not in files:
            return argv[3] not in DEPENDENCY_FILES  # sed on a missing dependency file fails
        edited = _sed_substitute(argv[2], files[argv[3]])
        if edited is None:
            return None
        files[argv[3]] = edited
        return True
    return None


def apply_pre_install(commands: list[str], files: dict[str, str]) -> list[str]:
    """Apply the commands' edits of dependency files to `files` in place; notes for commands left out."""
    notes: list[str] = []
    for command in commands:
        try:
            tokens = shlex.split(command)
        except ValueError:
            tokens = []
        touches = any(name in command for name in DEPENDENCY_FILES)
        ok: bool | None = True
        link = "&&"
        current: list[str] = []
        for token in [*tokens, "&&"]:
            if token not in ("&&", "||"):
                current.append(token)
                continue
            if (link == "&&" and ok) or (link == "||" and not ok):
                ok = _run_simple(current, files)
                if ok is None:
                    break
            link, current = token, []
        if ok is None and touches:
            notes.append(f"pre_install command not reproduced (it may change the dependencies): {command}")
    return notes
