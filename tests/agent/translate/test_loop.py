"""The translation loop end to end: the real openai client against the scripted server, real gcc and
cargo in the Docker sandbox. One unit does not compile at first, one compiles but prints differently."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from repowright.agent.config import LLMConfig
from repowright.agent.llm import LLM
from repowright.agent.translate.loop import LoopConfig
from repowright.agent.translate.pipeline import REPORT_NAME, translate_project
from repowright.agent.translate.verify import Verifier, find_cases
from tests.scripted_server import Reply, ScriptedServer

DATA = Path(__file__).parents[2] / "data" / "c2rust" / "loop"
REPLIES = DATA / "replies"


class ScriptedTranslator:
    """Answers translate/fix/repair prompts by the unit they name, from the files in replies/."""

    def __init__(self, overrides: dict[tuple[str, str], str] | None = None) -> None:
        self.steps: list[tuple[str, str]] = []
        self.overrides = overrides or {}

    def __call__(self, body: dict) -> Reply:
        prompt = body["messages"][-1]["content"]
        unit = re.search(r"UNIT: \S+::(\w+)", prompt).group(1)
        step = (
            "fix"
            if "does not compile" in prompt
            else "repair"
            if "behaves differently" in prompt
            else "translate"
        )
        self.steps.append((step, unit))
        if (step, unit) in self.overrides:
            return Reply(content=f"```rust\n{self.overrides[step, unit]}```")
        fixed = REPLIES / f"{unit}.fixed.rs"
        name = fixed if step != "translate" and fixed.exists() else REPLIES / f"{unit}.rs"
        return Reply(content=f"Here is the translation.\n```rust\n{name.read_text()}```\n")


@pytest.mark.docker
def test_loop_fixes_compile_errors_and_repairs_a_divergence(docker_sandbox, tmp_path):
    translator = ScriptedTranslator()
    with ScriptedServer(responder=translator) as server, Verifier(docker_sandbox) as verifier:
        llm = LLM(LLMConfig(base_url=server.base_url, model="scripted", api_key="x"))
        result = translate_project(
            DATA / "c",
            tmp_path / "crate",
            llm,
            verifier,
            find_cases(DATA / "c", None),
            config=LoopConfig(max_fix_rounds=2, max_repairs=2),
        )
        prompts = [b["messages"][-1]["content"] for b in server.requests]

    assert translator.steps == [
        ("translate", "mix"),
        ("fix", "mix"),  # u64 literal: cargo check fails, the errors go back
        ("translate", "print_row"),
        ("translate", "main"),
        ("repair", "print_row"),  # verify diverges; localized by its printf format
    ]
    assert "mismatched types" in prompts[1] or "E0308" in prompts[1]
    assert "fn mix(h: u32, v: u32) -> u32;" in prompts[3]  # dependencies' agreed signatures travel along
    assert "fn print_row(label: &str, h: u32, share: f64);" in prompts[3]
    assert "-alpha" in prompts[4] and "+alpha" in prompts[4] and "%6.2f%%" in prompts[4]

    metrics = result["metrics"]
    assert metrics["equivalent"] and metrics["compiles"]
    assert (metrics["cases"], metrics["cases_passed"]) == (3, 3)
    assert (metrics["units_translated"], metrics["fix_rounds"], metrics["repairs"]) == (3, 1, 1)
    assert metrics["model"]["calls"] == 5 and metrics["model"]["prompt_tokens"] > 0
    assert metrics["safety"]["unsafe_blocks"] == 0 and metrics["safety"]["static_mut_items"] == 0
    assert metrics["safety"]["functions"] == 3
    assert isinstance(metrics["clippy_warnings"], int)
    localized = [e for e in result["events"] if e["step"] == "localize"]
    assert localized[0]["unit"] == "calc.c::print_row"

    crate = tmp_path / "crate"
    main_rs = (crate / "src" / "main.rs").read_text()
    assert "{:6.2}" in main_rs and "16777619u64" not in main_rs
    assert json.loads((crate / REPORT_NAME).read_text())["metrics"] == metrics
    with Verifier(docker_sandbox) as again:  # the written crate verifies on its own
        assert again.verify(DATA / "c", crate, find_cases(DATA / "c", None)).equivalent


@pytest.mark.docker
def test_a_wrong_value_from_a_callee_is_found_along_the_call_graph(docker_sandbox, tmp_path):
    """mix compiles but hashes wrongly; print_row prints the wrong line, and retranslating it (and then
    main) changes nothing, so the loop moves on to the next suspect, mix, and ends equivalent."""
    wrong_mix = (REPLIES / "mix.fixed.rs").read_text().replace("16777619", "16777618")
    translator = ScriptedTranslator(
        {
            ("translate", "mix"): wrong_mix,
            ("translate", "print_row"): (REPLIES / "print_row.fixed.rs").read_text(),
        }
    )
    with ScriptedServer(responder=translator) as server, Verifier(docker_sandbox) as verifier:
        llm = LLM(LLMConfig(base_url=server.base_url, model="scripted", api_key="x"))
        result = translate_project(
            DATA / "c",
            tmp_path / "crate",
            llm,
            verifier,
            find_cases(DATA / "c", None),
            config=LoopConfig(max_fix_rounds=1, max_repairs=3),
        )
    assert translator.steps[3:] == [("repair", "print_row"), ("repair", "main"), ("repair", "mix")]
    assert [e["unit"] for e in result["events"] if e["step"] == "localize"] == [
        "calc.c::print_row",
        "calc.c::main",
        "calc.c::mix",
    ]
    assert result["metrics"]["equivalent"] and result["metrics"]["repairs"] == 3
