"""The translation loop end to end: the real openai client against the scripted server, real gcc and
cargo in the Docker sandbox. One unit does not compile at first, one compiles but prints differently."""

from __future__ import annotations

import copy
import json
import re
import tempfile
from pathlib import Path

import pytest

from repowright.agent.config import LLMConfig
from repowright.agent.llm import LLM, LLMError
from repowright.agent.translate.loop import (
    LoopConfig,
    TranslationNodes,
    initial_state,
    translation_components,
)
from repowright.agent.translate.pipeline import REPORT_NAME, translate_project
from repowright.agent.translate.verify import Verifier, find_cases
from repowright.analyzers.c_depgraph import build_c_depgraph
from repowright.sandbox import make_sandbox
from tests.scripted_server import Fault, Reply, ScriptedServer

DATA = Path(__file__).parents[2] / "data" / "c2rust" / "loop"
REPLIES = DATA / "replies"


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """A temporary-files folder of the test's own, so what a run leaves behind in it can be seen."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


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


def translate_scripted(
    translator: ScriptedTranslator, sandbox, out: Path, config: LoopConfig
) -> tuple[dict, list[dict]]:
    """`translate_project` of the fixture C program against the scripted model; the result, the requests sent."""
    with ScriptedServer(responder=translator) as server, Verifier(sandbox) as verifier:
        llm = LLM(LLMConfig(base_url=server.base_url, model="scripted", api_key="x"))
        result = translate_project(
            DATA / "c", out, llm, verifier, find_cases(DATA / "c", None), config=config
        )
    return result, server.requests


@pytest.mark.docker
def test_loop_fixes_compile_errors_and_repairs_a_divergence(docker_sandbox, tmp_path, private_tmp):
    translator = ScriptedTranslator()
    result, requests = translate_scripted(
        translator, docker_sandbox, tmp_path / "crate", LoopConfig(max_fix_rounds=2, max_repairs=2)
    )
    prompts = [b["messages"][-1]["content"] for b in requests]

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
    assert list(private_tmp.iterdir()) == []  # the folder the crates were composed in is gone
    with Verifier(docker_sandbox) as again:  # the written crate verifies on its own
        assert again.verify(DATA / "c", crate, find_cases(DATA / "c", None)).equivalent


@pytest.mark.docker
def test_a_run_that_fails_midway_leaves_no_temporary_folder(docker_sandbox, tmp_path, private_tmp):
    """mix does not compile, so its crate is composed and checked; the model then fails for good."""
    replies = [Reply(content=f"```rust\n{(REPLIES / 'mix.rs').read_text()}```"), Fault("500")]
    with ScriptedServer(replies) as server, Verifier(docker_sandbox) as verifier:
        llm = LLM(LLMConfig(base_url=server.base_url, model="scripted", api_key="x", max_retries=0))
        with pytest.raises(LLMError):
            translate_project(DATA / "c", tmp_path / "crate", llm, verifier, find_cases(DATA / "c", None))
        assert "does not compile" in server.requests[1]["messages"][-1]["content"]
    assert list(private_tmp.iterdir()) == []
    assert not (tmp_path / "crate").exists()


def test_nodes_return_updates_and_leave_the_state_they_read_unchanged():
    """translate, fix and advance hand back new values; the state a node was given is not touched."""
    plan = build_c_depgraph(DATA / "c")
    components = translation_components(plan)
    with ScriptedServer(responder=ScriptedTranslator()) as server:
        llm = LLM(LLMConfig(base_url=server.base_url, model="scripted", api_key="x"))
        nodes = TranslationNodes(
            plan, components, llm, Verifier(make_sandbox("local")), [], LoopConfig(), None, Path("unused")
        )
        state = initial_state(len(components))
        before = copy.deepcopy(state)
        translated = nodes.translate(state)
        assert state == before
        assert translated["code"][0] and translated["code"] is not state["code"]
        assert [e["step"] for e in translated["events"]] == ["translate"]
        state = {**state, **translated, "events": translated["events"], "errors": "error[E0308]"}
        before = copy.deepcopy(state)
        fixed = nodes.fix(state)
        advanced = nodes.advance(state)
    assert state == before
    assert fixed["fix_rounds"] == 1 and [e["step"] for e in fixed["events"]] == ["fix"]
    assert advanced == {"index": 1, "fix_rounds": 0, "errors": "", "compile_failures": [0]}


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
    result, _ = translate_scripted(
        translator, docker_sandbox, tmp_path / "crate", LoopConfig(max_fix_rounds=1, max_repairs=3)
    )
    assert translator.steps[3:] == [("repair", "print_row"), ("repair", "main"), ("repair", "mix")]
    assert [e["unit"] for e in result["events"] if e["step"] == "localize"] == [
        "calc.c::print_row",
        "calc.c::main",
        "calc.c::mix",
    ]
    assert result["metrics"]["equivalent"] and result["metrics"]["repairs"] == 3
