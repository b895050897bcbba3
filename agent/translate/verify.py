"""Model-free input/output equivalence of a C program and a Rust crate, both built and run in the sandbox.

gcc builds the C files, cargo (offline, no dependencies) builds the crate; each case runs both
programs in fresh, identical directories (`./prog ARGS < stdin`, with the case's input files), and
stdout, stderr, exit code and the files left behind are compared.
"""

from __future__ import annotations

import fnmatch
import json
import shlex
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from repowright.sandbox import Limits, Sandbox, Session

from ..config_sections import TranslateConfig
from ..errors import UserError
from .compare import RunOutput, compare_runs

CASES_FILE_NAMES = ("cases.yaml", "cases.yml", "cases.json")
TARGET_DIR = "/work/target"  # shared by every cargo run of one session, so rebuilds are incremental
GCC_FLAGS = "-std=gnu11 -O0 -w"


@dataclass
class Case:
    """One run: command-line arguments, standard input, and input files placed next to the program."""

    name: str
    args: list[str] = field(default_factory=list)
    stdin: str = ""
    files: dict[str, str | bytes] = field(default_factory=dict)


@dataclass
class CaseResult:
    name: str
    equal: bool
    diff: str
    c: RunOutput
    rust: RunOutput


@dataclass
class BuildResult:
    c: bool
    rust: bool
    errors: str = ""


@dataclass
class VerifyReport:
    build: BuildResult
    cases: list[CaseResult]

    @property
    def equivalent(self) -> bool:
        return self.build.c and self.build.rust and bool(self.cases) and all(c.equal for c in self.cases)

    def to_json(self) -> dict:
        return {
            "build": asdict(self.build),
            "equivalent": self.equivalent,
            "cases": [
                {"name": c.name, "equal": c.equal, "diff": c.diff, "c": asdict(c.c), "rust": asdict(c.rust)}
                for c in self.cases
            ],
        }


def _file_content(value: object, base: Path, where: str) -> str | bytes:
    """An input file given inline (text) or as {path: FILE} relative to the cases file (bytes)."""
    if isinstance(value, dict) and "path" in value:
        source = (base / str(value["path"])).resolve()
        if not source.is_file():
            raise UserError(f"{where}: input file {source} does not exist; fix its path")
        return source.read_bytes()
    return str(value)


def load_cases(path: Path) -> list[Case]:
    """Cases from YAML or JSON: a list, or {"cases": [...]}, each {name, args, stdin, files}; a file is
    inline text or {path: FILE} (relative to the cases file, copied byte for byte)."""
    try:
        data = yaml.safe_load(path.read_text()) if path.suffix != ".json" else json.loads(path.read_text())
    except (OSError, yaml.YAMLError, json.JSONDecodeError) as exc:
        raise UserError(
            f"cannot read cases file {path}: {exc}; write a YAML list of {{name, args, stdin}}"
        ) from exc
    items = data.get("cases") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise UserError(f"{path} holds no cases: write a YAML list of {{name, args, stdin, files}}")
    cases = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise UserError(f"{path}: case {i + 1} is not a mapping with name, args, stdin, files")
        shape = {"args": list, "files": dict}
        wrong = [k for k, kind in shape.items() if item.get(k) is not None and not isinstance(item[k], kind)]
        if wrong or isinstance(item.get("stdin"), dict | list):
            field = (wrong or ["stdin"])[0]
            want = {"args": "a list of strings", "files": "a mapping of name to text or {path: FILE}"}.get(
                field, "text"
            )
            raise UserError(f"{path}: case {i + 1} has {field}: {item[field]!r}; it must be {want}")
        cases.append(
            Case(
                name=str(item.get("name", f"case{i + 1}")),
                args=[str(a) for a in item.get("args", [])],
                stdin=str(item.get("stdin", "")),
                files={
                    str(k): _file_content(v, path.parent, f"{path} case {i + 1}")
                    for k, v in (item.get("files") or {}).items()
                },
            )
        )
    return cases


def find_cases(c_dir: Path, cases_file: Path | None) -> list[Case]:
    """The given cases file, else one beside the C sources, else a single run without input."""
    if cases_file is not None:
        return load_cases(cases_file)
    for name in CASES_FILE_NAMES:
        if (c_dir / name).is_file():
            return load_cases(c_dir / name)
    return [Case(name="no-input")]


def check_inputs(c_dir: Path, crate_dir: Path) -> None:
    if not c_dir.is_dir() or not any(c_dir.rglob("*.c")):
        raise UserError(f"{c_dir} holds no .c files: give the directory of the C program")
    if not (crate_dir / "Cargo.toml").is_file():
        raise UserError(f"{crate_dir} has no Cargo.toml: give the directory of the Rust crate")


def c_sources(c_dir: Path, patterns: list[str] | None = None) -> list[str]:
    """The .c files of the program, relative to `c_dir`: all of them, or those matching `patterns`."""
    found = sorted(p.relative_to(c_dir).as_posix() for p in c_dir.rglob("*.c"))
    if not patterns:
        return found
    chosen = [f for f in found if any(fnmatch.fnmatch(f, pat) for pat in patterns)]
    if not chosen:
        raise UserError(f"no .c file in {c_dir} matches {', '.join(patterns)}: check --sources")
    return chosen


def crate_binary_name(crate_dir: Path) -> str:
    """The binary cargo builds: [[bin]] name, else the package name."""
    import tomllib

    manifest = tomllib.loads((crate_dir / "Cargo.toml").read_text())
    bins = manifest.get("bin") or []
    return bins[0]["name"] if bins and "name" in bins[0] else manifest["package"]["name"]


class Verifier:
    """Builds and compares inside one sandbox session (reused across calls, with one cargo target dir)."""

    def __init__(
        self,
        sandbox: Sandbox,
        *,
        timeout: float = TranslateConfig().case_timeout,
        build_timeout: float = TranslateConfig().build_timeout,
        float_tolerance: float | None = None,
        compare_stderr: bool = True,
        sources: list[str] | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.sources = sources  # glob patterns of the .c files that make the program (default: all)
        self.timeout = timeout
        self.build_timeout = build_timeout
        self.float_tolerance = float_tolerance
        self.compare_stderr = compare_stderr
        self._session: Session | None = None
        self._runs = 0

    @property
    def session(self) -> Session:
        if self._session is None:
            limits = Limits(timeout=self.build_timeout, memory="2g", cpus=2.0, pids=512)
            self._session = self.sandbox.session(limits=limits)
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def __enter__(self) -> Verifier:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def build_c(self, c_dir: Path, dest: str) -> tuple[bool, str]:
        """gcc the program's .c files (all, or those matching `sources`) into `dest`/prog."""
        self.session.put_directory(c_dir, f"{dest}/src")
        files = " ".join(shlex.quote(f) for f in c_sources(c_dir, self.sources))
        cmd = f"cd {dest}/src && gcc {GCC_FLAGS} -o {dest}/prog {files} -lm"
        result = self.session.exec(["sh", "-c", cmd], timeout=self.build_timeout)
        return result.ok, result.stdout + result.stderr

    def cargo(
        self, crate_dir: Path, dest: str, subcommand: str = "build", message_format: str = "short"
    ) -> tuple[bool, str]:
        """`cargo <subcommand>` of the crate copied to `dest`, offline, with the session's target dir."""
        self.session.put_directory(crate_dir, dest, excludes=("target", ".git"))
        cmd = f"cargo {subcommand} --offline --quiet --message-format {message_format}"
        result = self.session.exec(
            ["sh", "-c", cmd],
            timeout=self.build_timeout,
            workdir=dest,
            env={"CARGO_TARGET_DIR": TARGET_DIR, "CARGO_TERM_COLOR": "never"},
        )
        return result.ok, result.stdout + result.stderr

    def build_rust(self, crate_dir: Path, dest: str) -> tuple[bool, str]:
        ok, log = self.cargo(crate_dir, f"{dest}/crate")
        if ok:
            binary = f"{TARGET_DIR}/debug/{crate_binary_name(crate_dir)}"
            copy = self.session.exec(["cp", binary, f"{dest}/prog"])
            ok, log = copy.ok, log + copy.stderr
        return ok, log

    def run_case(self, prog: str, case: Case, where: str) -> RunOutput:
        self.session.exec(["mkdir", "-p", where])
        if case.files:
            self.session.put_files(case.files, where)
        self.session.exec(["cp", prog, f"{where}/prog"])
        result = self.session.exec(
            ["./prog", *case.args], workdir=where, timeout=self.timeout, stdin=case.stdin.encode()
        )
        listing = self.session.exec(
            ["sh", "-c", "find . -type f ! -name prog -exec sha256sum {} + | sort"], workdir=where
        )
        files = {}
        for line in listing.stdout.splitlines():
            digest, _, name = line.partition("  ")
            files[name.removeprefix("./")] = digest
        return RunOutput(result.exit_code, result.stdout, result.stderr, files, result.timed_out)

    def verify(self, c_dir: Path, crate_dir: Path, cases: list[Case]) -> VerifyReport:
        """Build both programs, run every case on both, and compare."""
        check_inputs(c_dir, crate_dir)
        self._runs += 1
        base = f"/work/verify{self._runs}"
        c_ok, c_log = self.build_c(c_dir, f"{base}/c")
        rust_ok, rust_log = self.build_rust(crate_dir, f"{base}/rust")
        errors = "".join(
            f"{side} build failed:\n{log}"
            for side, ok, log in (("C", c_ok, c_log), ("Rust", rust_ok, rust_log))
            if not ok
        )
        build = BuildResult(c_ok, rust_ok, errors)
        if not (c_ok and rust_ok):
            return VerifyReport(build, [])
        results = []
        for i, case in enumerate(cases):
            c_run = self.run_case(f"{base}/c/prog", case, f"{base}/cases/{i}/c")
            rust_run = self.run_case(f"{base}/rust/prog", case, f"{base}/cases/{i}/rust")
            equal, diff = compare_runs(c_run, rust_run, self.float_tolerance, self.compare_stderr)
            results.append(CaseResult(case.name, equal, diff, c_run, rust_run))
        return VerifyReport(build, results)
