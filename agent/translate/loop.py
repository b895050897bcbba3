"""The translation loop as a langgraph graph: translate components bottom-up, `cargo check` each with
the compiler's errors fed back for a bounded number of rounds, verify the whole crate against the C
program, localize a divergence to one unit and retranslate it, then measure.

    translate -> check -(errors, rounds left)-> fix -> check
                       -(ok, more)-> advance -> translate
                       -(ok, done)-> verify -(diverges, repairs left)-> localize -> repair -> check
                                            -(equivalent or out of budget)-> end

Nodes are methods of `TranslationNodes` (what they share, fixed for the run) that read the state and return an
update; the last verification report is part of the state; crates are composed in a temporary folder that
`run_translation` removes when the run ends, however it ends.
"""

from __future__ import annotations

import logging
import operator
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypedDict

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
    """What flows between the nodes. Nodes return updates and never change a value in place: `code` is
    replaced whole, `events` is extended by langgraph with the few events a node returns."""

    index: int  # the component being worked on
    code: list[str]  # Rust per component (empty until translated)
    phase: str  # "translate" or "repair"
    fix_rounds: int
    errors: str
    repairs: int
    compile_failures: list[int]  # components still failing after the fix rounds
    tried: list[str]  # units retranslated after a divergence, in order
    divergence: dict | None  # the diverging case and the unit localized for it, until it is repaired
    verification: VerifyReport | None  # the last verification of the whole crate
    events: Annotated[list[dict], operator.add]


@dataclass(frozen=True)
class LoopResult:
    """The end of a run: the final state, the composed main.rs, and the components in translation order."""

    state: LoopState
    main_rs: str
    components: list[list[str]]


def translation_components(plan: CDepGraph) -> list[list[str]]:
    """The plan's components (bottom-up) reduced to the units translated to Rust; empty ones dropped."""
    kept = [[u for u in comp if plan.units[u].kind in TRANSLATED_KINDS] for comp in plan.order]
    return [c for c in kept if c]


def replaced(code: list[str], index: int, text: str) -> list[str]:
    """A copy of `code` with component `index` replaced."""
    return [text if i == index else old for i, old in enumerate(code)]


def run_translation(
    plan: CDepGraph,
    llm: LLM,
    verifier: Verifier,
    cases: list[Case],
    config: LoopConfig | None = None,
    progress: Callable[[str], None] | None = None,
) -> LoopResult:
    """Run the loop to the end in a temporary folder (removed afterwards, also when the run fails)."""
    components = translation_components(plan)
    if not components:
        raise ValueError("nothing to translate: the C project has no functions, globals or types")
    config = config or LoopConfig()
    with tempfile.TemporaryDirectory(prefix="repowright-translate-") as tmp:
        nodes = TranslationNodes(plan, components, llm, verifier, cases, config, progress, Path(tmp))
        steps = len(components) * (config.max_fix_rounds + 3) * (config.max_repairs + 2) + 20
        final: Any = nodes.graph().invoke(initial_state(len(components)), {"recursion_limit": steps})
        return LoopResult(final, nodes.main_rs(final["code"]), components)


def initial_state(count: int) -> LoopState:
    """The state before the first node: `count` components, none translated."""
    return {
        "index": 0,
        "code": [""] * count,
        "phase": "translate",
        "fix_rounds": 0,
        "errors": "",
        "repairs": 0,
        "compile_failures": [],
        "tried": [],
        "divergence": None,
        "verification": None,
        "events": [],
    }


@dataclass(frozen=True)
class TranslationNodes:
    """The nodes and decisions of the graph, over what they share: the plan, the model, the sandbox
    verifier, the cases and the folder where crates are composed."""

    plan: CDepGraph
    components: list[list[str]]
    llm: LLM
    verifier: Verifier
    cases: list[Case]
    config: LoopConfig
    progress: Callable[[str], None] | None
    workdir: Path

    # ---- helpers
    def units(self, index: int) -> list[CUnit]:
        return [self.plan.units[u] for u in self.components[index]]

    def component_of(self, unit_id: str) -> int:
        return next(i for i, comp in enumerate(self.components) if unit_id in comp)

    def context(self, code: list[str], index: int) -> tuple[list[str], list[str]]:
        """(Rust signatures of translated dependencies, C source of the macros used) for a component."""
        deps = {d for u in self.components[index] for d in self.plan.depends_on(u)}
        sigs: list[str] = []
        for dep_index in sorted(
            {self.component_of(d) for d in deps if self.plan.units[d].kind in TRANSLATED_KINDS}
        ):
            if dep_index != index and code[dep_index]:
                sigs += [s for s in signatures(code[dep_index]) if s not in sigs]
        macros = sorted(deps_closure_macros(self.plan, deps))
        return sigs, [self.plan.units[m].source for m in macros]

    def main_rs(self, code: list[str], upto: int | None = None) -> str:
        last = len(self.components) if upto is None else upto + 1
        sections = [(", ".join(self.components[i]), code[i]) for i in range(last) if code[i]]
        return compose_main(sections)

    def crate(self, main_rs: str) -> Path:
        return write_crate(self.workdir / "crate", crate_name(self.plan.root), main_rs)

    def rewrite(self, state: LoopState, step: str, prompt: str) -> dict:
        """Ask the model for the current component's Rust (minus items other components already define);
        the state update: the code with that component replaced, and the event recording the call."""
        i, code = state["index"], state["code"]
        result = self.llm.chat([{"role": "user", "content": prompt}], max_tokens=self.config.max_tokens)
        elsewhere = set().union(*(item_names(text) for j, text in enumerate(code) if text and j != i))
        text = drop_redefinitions(rust_block(result.content), elsewhere)
        event = {"step": step, "component": self.components[i], "tokens": result.usage.to_dict()}
        return {"code": replaced(code, i, text), "events": [event]}

    def say(self, text: str) -> None:
        log.info(text)
        if self.progress:
            self.progress(text)

    # ---- nodes
    def translate(self, state: LoopState) -> dict:
        i = state["index"]
        sigs, macros = self.context(state["code"], i)
        self.say(f"translating {', '.join(self.components[i])}")
        prompt = render("translate_unit", units=self.units(i), dependencies=sigs, macros=macros)
        return {**self.rewrite(state, "translate", prompt), "fix_rounds": 0}

    def check(self, state: LoopState) -> dict:
        upto = None if state["phase"] == "repair" else state["index"]
        crate = self.crate(self.main_rs(state["code"], upto))
        ok, output = self.verifier.cargo(crate, f"/work/check/{state['index']}", "check")
        event = {"step": "cargo check", "component": self.components[state["index"]], "ok": ok}
        return {"errors": "" if ok else output.strip()[-6000:], "events": [event]}

    def fix(self, state: LoopState) -> dict:
        i = state["index"]
        sigs, _ = self.context(state["code"], i)
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
        return {**self.rewrite(state, "fix", prompt), "fix_rounds": state["fix_rounds"] + 1}

    def advance(self, state: LoopState) -> dict:
        failures = state["compile_failures"] + ([state["index"]] if state["errors"] else [])
        return {"index": state["index"] + 1, "fix_rounds": 0, "errors": "", "compile_failures": failures}

    def verify(self, state: LoopState) -> dict:
        self.say("verifying the crate against the C program")
        crate = self.crate(self.main_rs(state["code"]))
        report = self.verifier.verify(self.plan.root, crate, self.cases)
        event = {
            "step": "verify",
            "equivalent": report.equivalent,
            "cases_passed": sum(c.equal for c in report.cases),
            "cases": len(report.cases),
        }
        return {"verification": report, "events": [event], "phase": "translate"}

    def localize_divergence(self, state: LoopState) -> dict:
        report = state["verification"]
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
        event = {"step": "localize", "case": case.name, "unit": unit_id, "candidates": candidates[:5]}
        self.say(f"case {case.name} diverges; localized to {unit_id}")
        return {
            "index": self.component_of(unit_id),
            "phase": "repair",
            "events": [event],
            "tried": state["tried"] + [unit_id],
            "divergence": {"unit": unit_id, "case": case.name, "diff": case.diff},
        }

    def repair(self, state: LoopState) -> dict:
        i = state["index"]
        target = state["divergence"] or {}
        unit = self.plan.units[target["unit"]]
        sigs, _ = self.context(state["code"], i)
        prompt = render(
            "translate_repair",
            unit=unit,
            code=state["code"][i],
            dependencies=sigs,
            case_name=target["case"],
            diff=target["diff"],
        )
        update = self.rewrite(state, "repair", prompt)
        return {**update, "repairs": state["repairs"] + 1, "fix_rounds": 0, "divergence": None}

    # ---- decisions
    def after_check(self, state: LoopState) -> str:
        if state["errors"] and state["fix_rounds"] < self.config.max_fix_rounds:
            return "fix"
        if state["phase"] == "repair" or state["index"] + 1 >= len(self.components):
            return "verify"
        return "advance"

    def after_verify(self, state: LoopState) -> str:
        report = state["verification"]
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
