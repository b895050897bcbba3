"""The agent's tools against a real Docker sandbox session and a real knowledge graph."""

from __future__ import annotations

import pytest

from repowright.agent.solve.tools import ToolBox, check_arguments
from repowright.agent.solve.workspace import SessionFactory, Workspace
from repowright.analyzers.knowledge_graph import build_knowledge_graph
from repowright.sandbox import Limits
from tests.agent.solve.scripted import DATA

pytestmark = pytest.mark.docker
REPO = DATA / "pricing" / "repo"


@pytest.fixture(scope="module")
def toolbox(docker_sandbox, tmp_path_factory):
    with SessionFactory.with_limits(docker_sandbox, Limits(timeout=20)).open() as session:
        ws = Workspace(session, REPO, timeout=20, exclude_from_diff=("repro_test.py",))
        yield ToolBox(
            ws,
            build_knowledge_graph(REPO, cache_dir=tmp_path_factory.mktemp("cache")),
            test_cmd=None,
            timeout=20,
        )


def test_argument_checks():
    assert check_arguments("edit_file", {"path": "a"}) == "edit_file needs the argument(s) search, replace"
    assert "no tool named" in check_arguments("rm_rf", {})
    assert "must be a integer" in check_arguments("view_file", {"path": "a", "start_line": "3"})
    assert "has no argument" in check_arguments("list_dir", {"path": ".", "depth": 2})
    assert check_arguments("view_file", {"path": "a", "start_line": 3}) is None


def test_graph_tools(toolbox):
    found = toolbox.call("search_graph", {"query": "apply_discount", "mode": "name"})
    assert "shop/pricing.py::apply_discount [function] shop/pricing.py:4-6" in found.text
    shown = toolbox.call("show_node", {"id": "shop/pricing.py::apply_discount"})
    assert "callers: shop/pricing.py::line_total" in shown.text
    assert "price` reduced by `percent` per cent" in shown.text
    text = toolbox.call("search_graph", {"query": "invoice total"}).text
    assert "shop/invoice.py" in text
    missing = toolbox.call("show_node", {"id": "nope::x"})
    assert not missing.ok and "search_graph" in missing.text
    refs = toolbox.call("find_references", {"name": "order_total"}).text
    assert "shop/invoice.py::render_invoice" in refs


def test_view_and_list(toolbox):
    view = toolbox.call("view_file", {"path": "shop/pricing.py", "start_line": 4, "end_line": 6}).text
    assert view.splitlines()[0] == "shop/pricing.py (lines 4-6 of 16)"
    assert "    6     return price * percent / 100" in view
    assert "[10 more lines; view from line 7]" in view
    assert toolbox.call("list_dir", {"path": "shop"}).text.split() == [
        "__init__.py",
        "invoice.py",
        "pricing.py",
    ]
    assert "tests/" in toolbox.call("list_dir", {}).text.split()
    bad = toolbox.call("view_file", {"path": "../etc/passwd"})
    assert not bad.ok and "relative to the repository root" in bad.text
    gone = toolbox.call("view_file", {"path": "nothing.py"})
    assert not gone.ok and "does not exist" in gone.text


def test_edit_requires_unique_existing_search_text_and_diff_tracks_changes(toolbox):
    missing = toolbox.call("edit_file", {"path": "shop/pricing.py", "search": "price * 2", "replace": "x"})
    assert not missing.ok and "was not found" in missing.text
    twice = toolbox.call("edit_file", {"path": "shop/pricing.py", "search": "line", "replace": "row"})
    assert not twice.ok and "occurs" in twice.text and "exactly once" in twice.text
    assert toolbox.ws.diff() == ""
    done = toolbox.call(
        "edit_file",
        {
            "path": "shop/pricing.py",
            "search": "price * percent / 100",
            "replace": "price * (100 - percent) / 100",
        },
    )
    assert done.ok and "line 6" in done.text
    toolbox.call("create_file", {"path": "shop/notes.txt", "content": "hello\n"})
    toolbox.call("create_file", {"path": "repro_test.py", "content": "def test(): pass\n"})
    toolbox.call("run_command", {"command": "mkdir -p __pycache__ && touch __pycache__/x.pyc"})
    diff = toolbox.ws.diff()
    assert "+    return price * (100 - percent) / 100" in diff
    assert "diff --git a/shop/notes.txt b/shop/notes.txt" in diff
    assert "repro_test.py" not in diff and "__pycache__" not in diff
    assert sorted(toolbox.ws.changed_files()) == ["shop/notes.txt", "shop/pricing.py"]


def test_commands_and_tests_run_in_the_sandbox(toolbox):
    out = toolbox.call("run_command", {"command": "id -u; cat /etc/hostname >/dev/null; pwd"}).text
    assert out.splitlines()[0] == "exit code 0" and "1000" in out and "/work" in out
    net = toolbox.call(
        "run_command",
        {"command": "python -c \"import socket; socket.create_connection(('1.1.1.1', 80), 2)\""},
    )
    assert "exit code 1" in net.text
    tests = toolbox.call("run_tests", {"paths": ["tests/test_invoice.py"]}).text
    assert "1 passed" in tests and tests.startswith("$ python -m pytest")
    hang = toolbox.call("run_command", {"command": "sleep 100", "timeout": 1}).text
    assert hang.startswith("timed out after 1 s")


def test_our_python_is_mounted_only_into_the_offline_image(docker_sandbox):
    from repowright.agent.solve.workspace import SANDBOX_VENV, python_environment
    from repowright.sandbox.docker_sandbox import DockerSandbox

    mounts, env = python_environment(docker_sandbox)
    assert [m.target for m in mounts] == [SANDBOX_VENV] and env["PATH"].startswith(SANDBOX_VENV + "/bin:")
    assert python_environment(DockerSandbox(image="swebench/sweb.eval.x86_64.demo:latest")) == ([], {})
