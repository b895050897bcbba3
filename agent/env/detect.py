"""What a repository needs to run its tests, read from its files as text (nothing of it runs on the host).

Sources, all optional: pyproject.toml ([project] dependencies and test/dev extras, PEP 735 dependency groups,
Poetry's dependencies and groups), setup.cfg and setup.py (statically, `static_meta`), requirements*.txt and
requirements/*.txt (with `-r` includes), tox.ini's testenv deps; uv.lock and poetry.lock pin versions as
constraints. pytest is added: the checks run it. The key is a hash of every file read, so an environment is
rebuilt exactly when one of them changes.
"""

from __future__ import annotations

import configparser
import hashlib
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .build import is_local_or_option
from .static_meta import declared_dependencies

DETECT_VERSION = "1"
TEST_EXTRAS = ("test", "tests", "testing", "dev", "develop", "development")
PROJECT_FILES = ("pyproject.toml", "setup.cfg", "setup.py", "tox.ini", "uv.lock", "poetry.lock")
REQUIREMENTS = re.compile(r"^(requirements[\w.-]*\.txt|[\w.-]*requirements\.txt)$", re.IGNORECASE)


@dataclass
class Detected:
    """Requirements, lock pins, the Python wanted, the files read (name -> text) and notes for the report."""

    requirements: list[str] = field(default_factory=list)
    constraints: list[str] = field(default_factory=list)
    requires_python: str | None = None
    files: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def key(self, extra: str = "") -> str:
        """A hash of the files read and of how they are read (and of `extra`, e.g. the interpreter)."""
        data = "\0".join([DETECT_VERSION, extra, *(f"{k}\0{v}" for k, v in sorted(self.files.items()))])
        return hashlib.sha256(data.encode()).hexdigest()[:16]


def _read(repo: Path, name: str) -> str | None:
    path = repo / name
    try:
        return path.read_text(errors="replace") if path.is_file() and not path.is_symlink() else None
    except OSError:
        return None


def requirement_files(repo: Path) -> list[str]:
    """requirements*.txt and *requirements.txt at the top, and every .txt under requirements/."""
    top = sorted(p.name for p in repo.iterdir() if p.is_file() and REQUIREMENTS.match(p.name))
    folder = repo / "requirements"
    nested = sorted(f"requirements/{p.name}" for p in folder.glob("*.txt")) if folder.is_dir() else []
    return top + nested


def _requirement_lines(repo: Path, name: str, seen: set[str], files: dict[str, str]) -> list[str]:
    text = _read(repo, name)
    if text is None or name in seen:
        return []
    seen.add(name)
    files[name] = text
    out: list[str] = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if line.startswith(("-r", "--requirement")):
            include = line.split(maxsplit=1)[-1] if " " in line else line[2:]
            out += _requirement_lines(
                repo, str(Path(name).parent / include.strip()).removeprefix("./"), seen, files
            )
        elif line and not line.startswith("#"):
            out.append(line)
    return out


def _pyproject_extra(data: dict) -> tuple[list[str], list[str]]:
    """(requirements, notes) from PEP 735 groups and Poetry's tables; [project] is read by static_meta."""
    reqs: list[str] = []
    groups = data.get("dependency-groups", {})
    for name in TEST_EXTRAS:
        reqs += [r for r in groups.get(name, []) if isinstance(r, str)]
    poetry = data.get("tool", {}).get("poetry", {})
    tables = [poetry.get("dependencies", {}), poetry.get("dev-dependencies", {})]
    tables += [g.get("dependencies", {}) for n, g in poetry.get("group", {}).items() if n in TEST_EXTRAS]
    notes = []
    for table in tables:
        for name, spec in table.items():
            if name == "python":
                continue
            if isinstance(spec, str) and re.match(r"^[\d.*=<>!,\s]+$", spec) and spec.strip() != "*":
                reqs.append(f"{name}{'==' if spec[0].isdigit() else ''}{spec.replace(' ', '')}")
                continue
            reqs.append(name)  # ^ and ~ ranges, tables: the lock file (if any) pins the version
            if not (isinstance(spec, str) and spec.strip() in ("*", "")):
                notes.append(f"poetry requirement {name} = {spec!r} taken without its version range")
    return reqs, notes


def _tox_deps(text: str) -> list[str]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    raw = parser.get("testenv", "deps", fallback="")
    return [
        ln.strip()
        for ln in raw.splitlines()
        if ln.strip() and "{" not in ln and not ln.strip().startswith("#")
    ]


def _lock_pins(name: str, text: str, own: set[str]) -> list[str]:
    """`name==version` for every package a uv.lock or poetry.lock records, the project itself left out."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    pins = []
    for package in data.get("package", []):
        source = package.get("source", {})
        local = isinstance(source, dict) and bool({"editable", "virtual", "directory", "path"} & set(source))
        if (
            package.get("name")
            and package.get("version")
            and not local
            and package["name"].lower() not in own
        ):
            pins.append(f"{package['name']}=={package['version']}")
    return pins


def requirement_name(req: str) -> str:
    """The distribution name a requirement line starts with, lower-cased."""
    return re.split(r"[\s\[<>=!~;@]", req.strip(), maxsplit=1)[0].lower()


def detect_requirements(repo: Path) -> Detected:
    """What the repository at `repo` declares for running its tests."""
    found = Detected()
    texts = {name: text for name in PROJECT_FILES if (text := _read(repo, name)) is not None}
    found.files.update(texts)
    meta_files = {k: v for k, v in texts.items() if k in ("pyproject.toml", "setup.cfg", "setup.py")}
    declared = declared_dependencies(meta_files)
    reqs = declared.for_extras([e for e in TEST_EXTRAS if e in declared.extras])
    found.notes += declared.unresolved
    own: set[str] = set()
    if "pyproject.toml" in texts:
        try:
            data = tomllib.loads(texts["pyproject.toml"])
        except tomllib.TOMLDecodeError as exc:
            found.notes.append(f"pyproject.toml is not valid TOML: {exc}")
            data = {}
        more, notes = _pyproject_extra(data)
        reqs += more
        found.notes += notes
        found.requires_python = data.get("project", {}).get("requires-python")
        own = {
            str(n).lower()
            for n in (data.get("project", {}).get("name"), data.get("tool", {}).get("poetry", {}).get("name"))
            if n
        }
    seen: set[str] = set()
    for name in requirement_files(repo):
        reqs += _requirement_lines(repo, name, seen, found.files)
    if "tox.ini" in texts:
        reqs += _tox_deps(texts["tox.ini"])
    for lock in ("uv.lock", "poetry.lock"):
        if lock in texts:
            found.constraints += _lock_pins(lock, texts[lock], own)
    names = {requirement_name(r) for r in reqs}
    for req in dict.fromkeys(
        r.strip() for r in [*reqs, *([] if "pytest" in names else ["pytest"])] if r.strip()
    ):
        if is_local_or_option(req) or requirement_name(req) in own:
            found.notes.append(
                f"requirement left out (the project itself, a local path or a pip option): {req}"
            )
        else:
            found.requirements.append(req)
    return found


def wanted_python(requires: str | None) -> str:
    """X.Y to build with: this interpreter's when it satisfies `requires-python` (or none is given), else the
    newest pyenv interpreter that does (EnvBuildError names the range when none does)."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    from .build import PYENV_ROOT, EnvBuildError

    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    try:
        spec = SpecifierSet(requires or "")
    except InvalidSpecifier:
        return here
    if spec.contains(f"{here}.0", prereleases=True) or spec.contains(f"{here}.99", prereleases=True):
        return here
    versions = sorted(
        {".".join(p.name.split(".")[:2]) for p in PYENV_ROOT.glob("3.*")},
        key=lambda v: [int(x) for x in v.split(".")],
    )
    fitting = [v for v in versions if spec.contains(f"{v}.99", prereleases=True)]
    if not fitting:
        raise EnvBuildError(f"no Python interpreter here satisfies requires-python {requires!r}")
    return fitting[-1]
