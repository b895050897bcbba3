"""End to end through the real openai client against the scripted server, on three fixture repositories.

Each run must produce a patch that makes the fixture's hidden failing test pass in the Docker sandbox,
and write its trajectory and report.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from repowright.agent.solve.trajectory import read_trajectory
from repowright.agent.solve.workspace import GIT, SessionFactory, Workspace
from repowright.sandbox import Limits
from tests.agent.solve.scripted import (
    DATA,
    FIX_MEAN,
    StepResponder,
    call,
    calls,
    copy_fixture,
    mean_reproduction,
    reproduction,
    settings_for,
    solve_scripted,
    submit,
)
from tests.scripted_server import ScriptedServer

pytestmark = pytest.mark.docker


def hidden_test(sandbox, patch: str | None, name: str):
    """Run the fixture's hidden test in a fresh sandbox on its pristine repository, with `patch` applied if given."""
    with SessionFactory.with_limits(sandbox, Limits(timeout=60)).open() as session:
        ws = Workspace(session, DATA / name / "repo", timeout=60)
        if patch:
            session.put_files({"fix.diff": patch}, dest="/tmp")
            assert ws.git_exec(f"{GIT} apply /tmp/fix.diff").ok
        ws.write_text("hidden_test.py", (DATA / name / "hidden_test.py").read_text())
        return ws.exec("python -m pytest -q -p no:cacheprovider hidden_test.py")


def check_outputs(out: Path, result) -> list[dict]:
    """The files every run writes; returns the trajectory records."""
    assert (out / "patch.diff").read_text() == result.patch
    records = read_trajectory(out / "trajectory.jsonl")
    kinds = [r["type"] for r in records]
    assert kinds[0] == "run" and kinds[-1] == "end"
    assert {"model_call", "tool_call", "validation", "localization"} <= set(kinds)
    assert all("usage" in r for r in records if r["type"] == "model_call")
    html = (out / "report.html").read_text()
    assert "<html" in html and "src=" not in html and "href=" not in html  # self-contained
    assert json.loads((out / "result.json").read_text())["status"] == result.status
    return records


def test_python_bug_is_fixed(tmp_path, docker_sandbox):
    repo, issue = copy_fixture("stats", tmp_path)
    responder = StepResponder(
        {
            "reproduce": [mean_reproduction("test_repro_mean.py")],
            "act": [
                calls(call("view_file", path="textstats/stats.py")),
                calls(FIX_MEAN, content="The divisor is off by one."),
                calls(call("run_tests")),
                submit("divide by the number of values"),
            ],
        },
        relevant=("mean",),
    )
    out = tmp_path / "out"
    result, requests = solve_scripted(responder, repo, issue, out, sandbox=docker_sandbox)
    assert result.status == "patched", result.to_dict()
    assert set(result.checks.values()) == {True}
    assert "+    return sum(values) / len(values)" in result.patch
    assert result.tokens["calls"] == len(requests) and result.tokens["total_tokens"] > 0
    assert hidden_test(docker_sandbox, None, "stats").exit_code == 1
    assert hidden_test(docker_sandbox, result.patch, "stats").exit_code == 0
    assert "(len(values) - 1)" in (repo / "textstats/stats.py").read_text()  # the checkout is untouched
    records = check_outputs(out, result)
    model_calls = [
        r for r in records if r["type"] == "model_call"
    ]  # every model call, the explorer's included
    assert len(model_calls) == len(requests)
    assert sum(r["usage"]["total_tokens"] for r in model_calls) == result.tokens["total_tokens"]
    assert {r["step"] for r in model_calls} == {"explore", "summarize", "analyze", "plan", "reproduce", "act"}
    localization = next(r for r in records if r["type"] == "localization")
    assert localization["functions"][0]["name"].endswith("mean")
    assert responder.seen["other"], "the explorer asked the model for relevance"
    summarize = responder.seen["summarize"][0]["messages"][1]["content"]
    assert "textstats/stats.py" in summarize and "(len(values) - 1)" in summarize
    act_prompt = responder.seen["act"][0]["messages"][1]["content"]
    assert "test_repro_mean.py" in act_prompt and "1 failed" in act_prompt  # the reproduction was run first
    assert (
        "- textstats/stats.py:4-8 mean\n- textstats/words.py" in act_prompt
    )  # the explorer's best locations
    tool_names = [r["name"] for r in records if r["type"] == "tool_call"]
    assert tool_names == ["view_file", "edit_file", "run_tests", "submit"]


def test_bug_two_calls_from_the_symptom(tmp_path, docker_sandbox):
    repo, issue = copy_fixture("pricing", tmp_path)
    responder = StepResponder(
        {
            "reproduce": [
                reproduction(
                    "test_repro_invoice.py",
                    "from shop.invoice import render_invoice\n\n\n"
                    "def test_total():\n    lines = [{'name': 'pen', 'price': 2.0, 'quantity': 3}]\n"
                    "    assert render_invoice('Ada', lines).endswith('Total: 6.00')\n",
                )
            ],
            "act": [
                calls(call("search_graph", query="render_invoice", mode="name")),
                calls(call("show_node", id="shop/invoice.py::render_invoice")),
                calls(call("show_node", id="shop/pricing.py::order_total")),
                calls(call("show_node", id="shop/pricing.py::line_total")),
                calls(call("view_file", path="shop/pricing.py", start_line=1, end_line=8)),
                calls(
                    call(
                        "edit_file",
                        path="shop/pricing.py",
                        search="return price * percent / 100",
                        replace="return price * (100 - percent) / 100",
                    )
                ),
                submit("apply_discount returned the discount, not the price"),
            ],
        },
        relevant=("pricing",),
    )
    out = tmp_path / "out"
    result, _ = solve_scripted(responder, repo, issue, out, sandbox=docker_sandbox)
    assert result.status == "patched", result.to_dict()
    assert result.checks["reproduction_fails_before"] and result.checks["reproduction_passes_after"]
    # no test imports shop.pricing, but tests/test_invoice.py reaches apply_discount through three calls
    assert result.checks["existing_tests_pass"] is True
    assert hidden_test(docker_sandbox, result.patch, "pricing").exit_code == 0
    records = check_outputs(out, result)
    results = [r["result"] for r in records if r["type"] == "tool_call"]
    # the graph led from the symptom to the cause: render_invoice -> order_total -> line_total -> apply_discount
    assert "callees: shop/pricing.py::order_total" in results[1]
    assert "callees: shop/pricing.py::line_total" in results[2]
    assert "callees: shop/pricing.py::apply_discount" in results[3]


def test_failed_first_candidate_is_retried_and_recovers(tmp_path, docker_sandbox):
    repo, issue = copy_fixture("slug", tmp_path)
    lowercase = call(
        "edit_file", path="slugkit/text.py", search='sub("-", title)', replace='sub("-", title.lower())'
    )
    responder = StepResponder(
        {
            "reproduce": [
                reproduction(
                    "test_repro_slug.py",
                    "from slugkit.text import slugify\n\n\n"
                    "def test_title():\n    assert slugify('Hello,  World!') == 'hello-world'\n",
                )
            ],
            "act": [
                calls(lowercase),
                submit("lowercase the title"),
                # after the failed validation: collapse runs and strip the ends
                calls(
                    call("edit_file", path="slugkit/text.py", search='r"[^a-z0-9]"', replace='r"[^a-z0-9]+"'),
                    call(
                        "edit_file",
                        path="slugkit/text.py",
                        search='sub("-", title.lower())',
                        replace='sub("-", title.lower()).strip("-")',
                    ),
                ),
                submit("lowercase, collapse separators, strip dashes"),
            ],
        },
        relevant=("slugify",),
    )
    out = tmp_path / "out"
    result, _ = solve_scripted(responder, repo, issue, out, apply=True, sandbox=docker_sandbox)
    assert result.status == "patched", result.to_dict()
    assert set(result.checks.values()) == {True}
    records = check_outputs(out, result)
    validations = [r for r in records if r["type"] == "validation"]
    assert [v["checks"]["reproduction_passes_after"] for v in validations] == [False, True]
    retry = responder.seen["act"][2]["messages"][-1]["content"]
    assert retry.startswith("[step: retry]") and "reproduction_passes_after: FAILED" in retry
    assert "'hello---world-' == 'hello-world'" in retry  # the failing assertion's output reached the model
    assert hidden_test(docker_sandbox, result.patch, "slug").exit_code == 0
    assert 'strip("-")' in (repo / "slugkit/text.py").read_text()  # --apply wrote the host checkout


def test_front_doors_seam_reaches_the_pipeline(tmp_path):
    from repowright.agent.solver import default_solver

    repo, issue = copy_fixture("stats", tmp_path)
    responder = StepResponder({"act": [calls(FIX_MEAN), submit("fixed")]})
    with ScriptedServer(responder=responder) as srv:
        result = default_solver()(repo, issue, settings_for(srv.base_url), tmp_path / "out")
    assert result.patched and "+    return sum(values) / len(values)" in result.patch
    assert result.tokens["prompt_tokens"] > 0
