"""The dependency direction the folder READMEs state, checked by parsing every import (relative ones resolved,
those inside functions and under TYPE_CHECKING included): analyzers, sandbox and prompts are leaves; agent uses
them, and only its command line (agent/cli) uses evals; evals uses agent (not its command line), analyzers and
sandbox; nothing imports tests."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAY_IMPORT = {
    "analyzers": set(),
    "sandbox": set(),
    "prompts": set(),
    "agent": {"analyzers", "sandbox", "prompts"},
    "evals": {"agent", "analyzers", "sandbox"},
}
CLI_ALSO = {"evals"}  # agent/cli is the face: the one place that runs the benchmarks and the harness


def imported_modules(source: str, module: str, is_package: bool) -> list[str]:
    """Absolute names of the modules `source` (the module `module`) imports, relative imports resolved."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            names.append(".".join([*base, *([node.module] if node.module else [])]))
    return names


def violations(folder: str, relative: Path, source: str) -> list[str]:
    """The imports of one file of `folder` that break the direction above."""
    parts = relative.with_suffix("").parts
    is_package = parts[-1] == "__init__"
    module = ".".join(["repowright", folder, *(parts[:-1] if is_package else parts)])
    allowed = MAY_IMPORT[folder] | (CLI_ALSO if parts[0] == "cli" and folder == "agent" else set())
    bad = []
    for name in imported_modules(source, module, is_package):
        top = name.split(".")
        if top[0] == "tests":
            bad.append(f"{folder}/{relative} imports {name}")
        elif top[0] == "repowright" and len(top) > 1 and top[1] != folder and top[1] not in allowed:
            bad.append(f"{folder}/{relative} imports {name}")
        elif folder == "evals" and top[:3] == ["repowright", "agent", "cli"]:
            bad.append(f"{folder}/{relative} imports {name} (the command line is the face, not a library)")
    return bad


def test_every_folder_imports_only_in_the_documented_direction():
    bad = []
    for folder in MAY_IMPORT:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT / folder)
            if "data" in relative.parts or "findings" in relative.parts:  # fixtures and reproducers, not code
                continue
            bad += violations(folder, relative, path.read_text())
    assert bad == []


def test_the_check_resolves_relative_imports_and_sees_imports_inside_functions():
    inside = "def f():\n    from ..agent.errors import UserError\n"
    assert violations("analyzers", Path("graph.py"), inside) == [
        "analyzers/graph.py imports repowright.agent.errors"
    ]
    assert violations("agent", Path("solve/run.py"), "from ...evals import bench_map\n") == [
        "agent/solve/run.py imports repowright.evals"
    ]
    assert violations("agent", Path("cli/eval_cmd.py"), "from repowright.evals.swebench import run\n") == []
    assert violations("sandbox", Path("__init__.py"), "from .base import Limits\n") == []
    assert violations("evals", Path("x.py"), "import tests.cli\nfrom repowright.agent.cli import main\n") == [
        "evals/x.py imports tests.cli",
        "evals/x.py imports repowright.agent.cli (the command line is the face, not a library)",
    ]
