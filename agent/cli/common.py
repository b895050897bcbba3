"""Shared pieces of the command line: the console, JSON output, verbosity, settings from flags."""

from __future__ import annotations

import json
import logging
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from ..errors import UserError

if TYPE_CHECKING:  # pydantic models cost an import that `--help` should not pay
    from repowright.sandbox import Sandbox

    from ..config import Settings

# Results go to stdout, unwrapped when piped (a file or another program reads whole lines); progress, status and
# errors go to stderr, so `--json` or a pipe sees only the result.
_piped = not sys.stdout.isatty()
console = Console(stderr=False, soft_wrap=_piped, width=1000 if _piped else None)
err_console = Console(stderr=True)
state = {"verbose": 0}

JSON_OPTION_HELP = "Print machine-readable JSON on stdout instead of the human summary."
VERBOSE_FLAGS = {"-v": 1, "--verbose": 1, "-vv": 2, "-vvv": 3}
THIRD_PARTY = ("httpx", "httpx2", "httpcore", "httpcore2", "openai", "urllib3", "docker")


def split_verbosity(argv: list[str]) -> tuple[int, list[str]]:
    """The -v/-vv/--verbose count anywhere before `--` (so after the subcommand too), and argv without them."""
    level, rest = 0, list[str]()
    for index, arg in enumerate(argv):
        if arg == "--":
            return level, rest + argv[index:]
        if arg in VERBOSE_FLAGS:
            level += VERBOSE_FLAGS[arg]
        else:
            rest.append(arg)
    return level, rest


def set_verbose(level: int) -> None:
    """-v: repowright's own logs (debug) and tracebacks; -vv: third-party libraries' logs too."""
    state["verbose"] = max(state["verbose"], int(level))
    level = state["verbose"]
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s", stream=sys.stderr
    )
    logging.getLogger("repowright").setLevel(logging.DEBUG if level >= 1 else logging.WARNING)
    for name in THIRD_PARTY:
        logging.getLogger(name).setLevel(logging.DEBUG if level >= 2 else logging.WARNING)


def emit_json(data: object) -> None:
    """Write `data` as JSON on stdout (plain print: no rich markup or wrapping)."""
    print(json.dumps(data, indent=2, default=str))


def settings_from_flags(**flags: Any) -> Settings:
    """Settings with the given flags (None means not given) placed over environment and file."""
    from ..config import load_settings

    sections: dict[str, dict[str, Any]] = {}
    for key, value in flags.items():
        if value is None:
            continue
        section, _, field = key.partition("__")
        sections.setdefault(section, {})[field] = value
    return load_settings(sections)


def sandbox_from(settings: Settings) -> Sandbox:
    """The configured sandbox backend, with its image."""
    from repowright.sandbox import make_sandbox

    return make_sandbox(settings.sandbox.backend, image=settings.sandbox.image)


def read_text_file(path: Path, flag: str) -> str:
    """A UTF-8 text file given by `flag` (e.g. --issue-file), or a one-line UserError saying what is wrong."""
    if path.is_dir():
        raise UserError(f"{flag} {path} is a directory; pass a text file")
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise UserError(f"cannot read {flag} {path}: it does not exist; pass a text file") from exc
    except OSError as exc:
        raise UserError(f"cannot read {flag} {path}: {exc.strerror}") from exc
    try:
        if b"\0" in data:
            raise ValueError("NUL byte")
        return data.decode("utf-8")
    except ValueError as exc:
        raise UserError(f"{flag} {path} is not UTF-8 text (a binary file?); pass a text file") from exc


def _probe(folder: Path, flag: str, path: Path) -> None:
    """Create and remove a file in `folder`, so an unwritable place fails now, before any work."""
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".repowright-write-test-"):
            pass
    except OSError as exc:
        raise UserError(f"cannot write {flag} {path} ({exc.strerror}); choose a writable place") from exc


def writable_dir(path: Path, flag: str) -> Path:
    """An output folder: created when missing; a file there, or a read-only place, is a one-line UserError."""
    if path.exists() and not path.is_dir():
        raise UserError(f"{flag} {path} is a file; give a folder (it is created if missing)")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create {flag} {path} ({exc.strerror}); choose a writable place") from exc
    _probe(path, flag, path)
    return path


def writable_file(path: Path, flag: str) -> Path:
    """An output file: not a folder, in an existing writable folder; else a one-line UserError."""
    if path.is_dir():
        raise UserError(f"{flag} {path} is a directory; give a file path")
    if not path.parent.is_dir():
        raise UserError(f"the folder of {flag} {path} does not exist; create it or choose another path")
    _probe(path.parent, flag, path)
    return path
