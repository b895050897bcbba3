"""The seam maps what the solve pipeline returns onto SolveResult."""

from dataclasses import dataclass, field

from agent.solver import SolveResult, as_solve_result


@dataclass
class PipelineResult:  # the shape agent.solve.solve_issue returns
    status: str
    patch: str
    tokens: dict = field(default_factory=dict)
    error: str | None = None


def test_patched_maps_to_solved_with_tokens():
    result = as_solve_result(PipelineResult("patched", "diff --git a/x b/x\n", {"prompt_tokens": 7, "completion_tokens": 3}))
    assert result.solved and result.usage == {"prompt_tokens": 7, "completion_tokens": 3}


def test_errors_and_empty_patches_are_not_solved():
    failed = as_solve_result(PipelineResult("error", "", error="endpoint refused"))
    assert not failed.solved and failed.message == "endpoint refused" and failed.status == "error"
    assert not as_solve_result({"status": "patched", "patch": "  \n"}).solved
    assert as_solve_result(SolveResult("no_patch")).status == "no_patch"
