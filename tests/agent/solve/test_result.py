"""SolveResult.patched: what the front doors (Action, SWE-bench run) treat as a patch worth submitting."""

from pathlib import Path

from repowright.agent.solve import SolveResult


def test_only_a_nonempty_patched_result_counts():
    assert SolveResult("patched", "diff --git a/x b/x\n", {}, {}, 1.0, Path(".")).patched
    assert not SolveResult("patched", "  \n", {}, {}, 1.0, Path(".")).patched
    assert not SolveResult(
        "error", "diff --git a/x b/x\n", {}, {}, 1.0, Path("."), error="endpoint refused"
    ).patched
    assert not SolveResult("no_patch", "", {}, {}, 1.0, Path(".")).patched
