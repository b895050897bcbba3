"""The translation loop as a langgraph graph: translate components bottom-up, `cargo check` each with
the compiler's errors fed back for a bounded number of rounds, verify the whole crate against the C
program, localize a divergence to one unit and retranslate it, then measure.

    translate -> check -(errors, rounds left)-> fix -> check
                       -(ok, more)-> advance -> translate
                       -(ok, done)-> verify -(diverges, repairs left)-> localize -> repair -> check
                                            -(equivalent or out of budget)-> report
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

from langgraph.graph import END, StateGraph

from repowright.analyzers.c_depgraph import CDepGraph
from repowright.analyzers.c_units import CUnit

from ..llm import LLM
from ..prompts import render
from .crate import (
    compose_main,
    crate_name,
    drop_redefinitions,
    item_names,
    rust_block,
    signatures,
    write_crate,
)
from .localize import localize, suspects
from .verify import Case, Verifier, VerifyReport

log = logging.getLogger(__name__)
TRANSLATED_KINDS = ("function", "global", "struct", "union", "enum", "typedef")


@dataclass
class LoopConfig:
    """Budgets of one run."""

    max_fix_rounds: int = 3
    max_repairs: int = 3
    max_tokens: int | None = None


class LoopState(TypedDict):
    index: int  # the component being worked on
    code: list[str]  # Rust per component (empty until translated)
    phase: str  # "translate" or "repair"
    fix_rounds: int
    errors: str
    repairs: int
    compile_failures: list[int]  # components still failing after the fix rounds
    tried: list[str]  # units retranslated after a divergence, in order
    report: dict | None
    events: list[dict]


@dataclass
class TranslationRun:
    """Everything the nodes need: the plan, the model, the sandbox verifier, the cases."""

    plan: CDepGraph
    llm: LLM
    verifier: Verifier
    cases: list[Case]
    config: LoopConfig = field(default_factory=LoopConfig)
    progress: Callable[[str], None] | None = None
    components: list[list[str]] = field(init=False)
    last_report: VerifyReport | None = field(init=False, default=None)
    workdir: Path = field(init=False)

    def __post_init__(self) -> None:
        self.components = [
            [u for u in comp if self.plan.units[u].kind in TRANSLATED_KINDS] for comp in self.plan.order
        ]
        self.components = [c for c in self.components if c]
        self.workdir = Path(tempfile.mkdtemp(prefix="repowright-translate-"))

    # ---- helpers
    def units(self, index: int) -> list[CUnit]:
        return [self.plan.units[u] for u in self.components[index]]

    def component_of(self, unit_id: str) -> int:
        return next(i for i, comp in enumerate(self.components) if unit_id in comp)

    def context(self, state: LoopState, index: int) -> tuple[list[str], list[str]]:
        """(Rust signatures of translated dependencies, C source of the macros used) for a component."""
        deps = {d for u in self.components[index] for d in self.plan.depends_on(u)}
        sigs: list[str] = []
        for dep_index in sorted(
            {self.component_of(d) for d in deps if self.plan.units[d].kind in TRANSLATED_KINDS}
        ):
            if dep_index != index and state["code"][dep_index]:
                sigs += [s for s in signatures(state["code"][dep_index]) if s not in sigs]
        macros = sorted(deps_closure_macros(self.plan, deps))
        return sigs, [self.plan.units[m].source for m in macros]

    def main_rs(self, state: LoopState, upto: int | None = None) -> str:
        last = len(self.components) if upto is None else upto + 1
        sections = [
            (", ".join(self.components[i]), state["code"][i]) for i in range(last) if state["code"][i]
        ]
        return compose_main(sections)

    def crate(self, main_rs: str) -> Path:
        return write_crate(self.workdir / "crate", crate_name(self.plan.root), main_rs)

    def ask(self, prompt: str, event: dict, state: LoopState, index: int) -> str:
        """The model's Rust for component `index`, minus items other components already define."""
        result = self.llm.chat([{"role": "user", "content": prompt}], max_tokens=self.config.max_tokens)
        state["events"].append({**event, "tokens": result.usage.to_dict()})
        elsewhere = set().union(
            *(item_names(code) for i, code in enumerate(state["code"]) if code and i != index)
        )
        return drop_redefinitions(rust_block(result.content), elsewhere)

    def say(self, text: str) -> None:
        log.info(text)
        if self.progress:
            self.progress(text)

    # ---- nodes
    def translate(self, state: LoopState) -> dict:
        i = state["index"]
        sigs, macros = self.context(state, i)
        self.say(f"translating {', '.join(self.components[i])}")
        prompt = render("translate_unit", units=self.units(i), dependencies=sigs, macros=macros)
        state["code"][i] = self.ask(prompt, {"step": "translate", "component": self.components[i]}, state, i)
        return {"code": state["code"], "fix_rounds": 0, "events": state["events"]}

    def check(self, state: LoopState) -> dict:
        upto = None if state["phase"] == "repair" else state["index"]
        crate = self.crate(self.main_rs(state, upto))
        ok, output = self.verifier.cargo(crate, f"/work/check/{state['index']}", "check")
        state["events"].append(
            {"step": "cargo check", "component": self.components[state["index"]], "ok": ok}
        )
        return {"errors": "" if ok else output.strip()[-6000:], "events": state["events"]}

    def fix(self, state: LoopState) -> dict:
        i = state["index"]
        sigs, _ = self.context(state, i)
        self.say(
            f"fixing compile errors in {', '.join(self.components[i])} (round {state['fix_rounds'] + 1})"
        )
        prompt = render(
            "translate_fix",
            units=self.units(i),
            code=state["code"][i],
            dependencies=sigs,
            errors=state["errors"],
        )
        state["code"][i] = self.ask(prompt, {"step": "fix", "component": self.components[i]}, state, i)
        return {"code": state["code"], "fix_rounds": state["fix_rounds"] + 1, "events": state["events"]}

    def advance(self, state: LoopState) -> dict:
        failures = state["compile_failures"] + ([state["index"]] if state["errors"] else [])
        return {"index": state["index"] + 1, "fix_rounds": 0, "errors": "", "compile_failures": failures}

    def verify(self, state: LoopState) -> dict:
        self.say("verifying the crate against the C program")
        crate = self.crate(self.main_rs(state))
        self.last_report = self.verifier.verify(self.plan.root, crate, self.cases)
        passed = sum(c.equal for c in self.last_report.cases)
        state["events"].append(
            {
                "step": "verify",
                "equivalent": self.last_report.equivalent,
                "cases_passed": passed,
                "cases": len(self.last_report.cases),
            }
        )
        return {"events": state["events"], "phase": "translate"}

    def localize_divergence(self, state: LoopState) -> dict:
        report = self.last_report
        assert report is not None
        case = next(c for c in report.cases if not c.equal)
        expected = case.c.stdout if case.c.stdout != case.rust.stdout else case.c.stderr
        actual = case.rust.stdout if case.c.stdout != case.rust.stdout else case.rust.stderr
        ranked = localize(self.plan.ordered_units(), expected, actual)
        kinds = {uid: unit.kind for uid, unit in self.plan.units.items()}
        candidates = [
            u for u in suspects(ranked, self.plan.graph, kinds) if any(u in c for c in self.components)
        ]
        candidates = candidates or [self.components[-1][0]]
        # A unit already retranslated for this divergence that did not fix it: try the next suspect.
        fresh = [u for u in candidates if u not in state["tried"]]
        unit_id = (fresh or candidates)[0]
        state["events"].append(
            {"step": "localize", "case": case.name, "unit": unit_id, "candidates": candidates[:5]}
        )
        self.say(f"case {case.name} diverges; localized to {unit_id}")
        return {
            "index": self.component_of(unit_id),
            "phase": "repair",
            "events": state["events"],
            "tried": state["tried"] + [unit_id],
            "report": {"unit": unit_id, "case": case.name, "diff": case.diff},
        }

    def repair(self, state: LoopState) -> dict:
        i = state["index"]
        target = state["report"] or {}
        unit = self.plan.units[target["unit"]]
        sigs, _ = self.context(state, i)
        prompt = render(
            "translate_repair",
            unit=unit,
            code=state["code"][i],
            dependencies=sigs,
            case_name=target["case"],
            diff=target["diff"],
        )
        state["code"][i] = self.ask(prompt, {"step": "repair", "component": self.components[i]}, state, i)
        return {
            "code": state["code"],
            "repairs": state["repairs"] + 1,
            "fix_rounds": 0,
            "events": state["events"],
            "report": None,
        }

    # ---- decisions
    def after_check(self, state: LoopState) -> str:
        if state["errors"] and state["fix_rounds"] < self.config.max_fix_rounds:
            return "fix"
        if state["phase"] == "repair" or state["index"] + 1 >= len(self.components):
            return "verify"
        return "advance"

    def after_verify(self, state: LoopState) -> str:
        report = self.last_report
        if report is None or report.equivalent or state["repairs"] >= self.config.max_repairs:
            return "done"
        if not (report.build.c and report.build.rust) or not any(not c.equal for c in report.cases):
            return "done"
        return "localize"

    def graph(self):
        g = StateGraph(LoopState)
        g.add_node("translate", self.translate)
        g.add_node("check", self.check)
        g.add_node("fix", self.fix)
        g.add_node("advance", self.advance)
        g.add_node("verify", self.verify)
        g.add_node("localize", self.localize_divergence)
        g.add_node("repair", self.repair)
        g.set_entry_point("translate")
        g.add_edge("translate", "check")
        g.add_conditional_edges(
            "check", self.after_check, {"fix": "fix", "advance": "advance", "verify": "verify"}
        )
        g.add_edge("fix", "check")
        g.add_edge("advance", "translate")
        g.add_conditional_edges("verify", self.after_verify, {"localize": "localize", "done": END})
        g.add_edge("localize", "repair")
        g.add_edge("repair", "check")
        return g.compile()

    def run(self) -> tuple[LoopState, str]:
        """Run the graph to the end; the final state and the composed main.rs."""
        if not self.components:
            raise ValueError("nothing to translate: the C project has no functions, globals or types")
        state: LoopState = {
            "index": 0,
            "code": [""] * len(self.components),
            "phase": "translate",
            "fix_rounds": 0,
            "errors": "",
            "repairs": 0,
            "compile_failures": [],
            "tried": [],
            "report": None,
            "events": [],
        }
        steps = len(self.components) * (self.config.max_fix_rounds + 3) * (self.config.max_repairs + 2) + 20
        final: Any = self.graph().invoke(state, {"recursion_limit": steps})
        return final, self.main_rs(final)


def deps_closure_macros(plan: CDepGraph, deps: set[str]) -> set[str]:
    """The macros among `deps` and the macros those macros use."""
    seen: set[str] = set()
    stack = [d for d in deps if plan.units[d].kind == "macro"]
    while stack:
        macro = stack.pop()
        if macro in seen:
            continue
        seen.add(macro)
        stack.extend(d for d in plan.depends_on(macro) if plan.units[d].kind == "macro")
    return seen
