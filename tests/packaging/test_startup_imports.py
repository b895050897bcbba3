"""The command line starts light: importing it, or printing its help, loads none of the heavy libraries that
only some commands use (they are imported inside the commands that run them)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("networkx", "tree_sitter", "openai", "docker", "langgraph", "torch", "ray")
REPORT = "import json, sys; print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r})))"


def heavy_modules_after(code: str) -> list[str]:
    """The heavy modules loaded by a fresh interpreter that runs `code`."""
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\n{REPORT.format(heavy=set(HEAVY))}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def test_importing_the_cli_loads_no_heavy_library():
    assert heavy_modules_after("import repowright.agent.cli.main") == []


@pytest.mark.parametrize(
    "argv", [["--help"], ["map", "--help"], ["solve", "--help"], ["eval", "swebench", "--help"]]
)
def test_help_loads_no_heavy_library(argv):
    code = (
        "import contextlib, io, sys\n"
        f"sys.argv = ['repowright', *{argv!r}]\n"
        "from repowright.agent.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main()"
    )
    assert heavy_modules_after(code) == []


def test_the_check_sees_a_heavy_import():
    """The probe itself works: a command module that imports networkx is caught."""
    assert "networkx" in heavy_modules_after("import networkx")


def test_reading_a_trajectory_does_not_load_the_solve_pipeline():
    """`trajectory show` needs only the trajectory module, not the graphs (and langgraph) beside it."""
    assert heavy_modules_after("import repowright.agent.solve.trajectory") == []
    assert "langgraph" in " ".join(heavy_modules_after("from repowright.agent.solve import solve_issue"))
