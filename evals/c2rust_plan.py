"""Check `translate plan` against Universal Ctags: every function ctags finds must be a unit, in a valid order.

Run on bzip2: `python -m repowright.evals.c2rust_plan /tmp/bzip2-1.0.8` (after `apt-get source bzip2`); prints the
figures and writes them as JSON with `--out FILE`.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from repowright.analyzers.c_depgraph import build_c_depgraph, find_c_files, order_violations


@dataclass(frozen=True)
class CtagsFunction:
    name: str
    file: str
    line: int


def ctags_functions(root: Path) -> list[CtagsFunction]:
    """Function definitions Universal Ctags finds in the C files under `root`."""
    ctags = shutil.which("ctags")
    if ctags is None:
        raise RuntimeError("ctags is not installed: apt-get install universal-ctags")
    files = [p.relative_to(root).as_posix() for p in find_c_files(root)]
    out = subprocess.run(
        [
            ctags,
            "--output-format=json",
            "--languages=C",
            "--language-force=C",
            "--kinds-C=f",
            "--fields=+n",
            "-f",
            "-",
            *files,
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    tags = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return [CtagsFunction(t["name"], t["path"], int(t["line"])) for t in tags if t.get("kind") == "function"]


def match_ctags(plan: dict, tags: list[CtagsFunction]) -> dict:
    """Which ctags functions the plan lists as function units (by file and line span; ctags names a
    macro-wrapped definition `BZ_API(f)` after the macro, the plan after `f`)."""
    functions = [u for u in plan["units"] if u["kind"] == "function"]
    missing, via_macro, matched = [], 0, 0
    for tag in tags:
        spans = [
            (u, s)
            for u in functions
            if u["file"] == tag.file
            for s in [(u["start_line"], u["end_line"]), *map(tuple, u["alternatives"])]
        ]
        hit = [
            u
            for u, (start, end) in spans
            if start <= tag.line <= end and (u["name"] == tag.name or u["via_macro"] == tag.name)
        ]
        if hit:
            matched += 1
            via_macro += hit[0]["name"] != tag.name
        else:
            missing.append(f"{tag.file}:{tag.line} {tag.name}")
    return {
        "ctags_functions": len(tags),
        "matched": matched,
        "matched_via_macro": via_macro,
        "missing": missing,
    }


_COMMENTS_AND_STRINGS = re.compile(r"/\*.*?\*/|//[^\n]*|\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'", re.S)


def regex_call_check(graph) -> dict:
    """An independent look at call edges: every `name(` of a project function in a body (comments and
    strings removed) should be a `calls` or `references` edge of that function in the graph."""
    functions = {u.name for u in graph.units.values() if u.kind == "function"}
    seen, missing = 0, []
    for unit in graph.units.values():
        if unit.kind != "function" or "{" not in unit.source:
            continue
        body = _COMMENTS_AND_STRINGS.sub(" ", unit.source)
        body = body[body.index("{") :]
        called = {m for m in re.findall(r"\b([A-Za-z_]\w*)\s*\(", body) if m in functions and m != unit.name}
        edges = {
            graph.units[t].name
            for t in graph.graph.successors(unit.id)
            if graph.graph.edges[unit.id, t]["kind"] in ("calls", "references")
        }
        seen += len(called)
        missing += [f"{unit.id} -> {name}" for name in sorted(called - edges)]
    return {"regex_calls": seen, "regex_calls_missing_from_graph": missing}


def evaluate(root: Path) -> dict:
    """Build the plan for `root` and compare it with ctags; the figures the eval prints."""
    start = time.perf_counter()
    graph = build_c_depgraph(root)
    plan = graph.to_json()
    seconds = time.perf_counter() - start
    result = match_ctags(plan, ctags_functions(root))
    result.update(regex_call_check(graph))
    functions = {u["id"] for u in plan["units"] if u["kind"] == "function"}
    call_edges = [e for e in plan["edges"] if e["kind"] == "calls"]
    result.update(
        {
            "root": str(root),
            "plan_seconds": round(seconds, 3),
            "units": plan["stats"]["units"],
            "units_by_kind": plan["stats"]["by_kind"],
            "edges_by_kind": plan["stats"]["edges"],
            "call_edges": len(call_edges),
            "functions_with_callees": len({e["from"] for e in call_edges}),
            "functions_called": len({e["to"] for e in call_edges} & functions),
            "components": plan["stats"]["components"],
            "largest_component": plan["stats"]["largest_component"],
            "order_violations": order_violations(plan),
        }
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="a C project, e.g. /tmp/bzip2-1.0.8")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args(argv)
    result = evaluate(args.root.resolve())
    for key, value in result.items():
        if key not in ("missing", "order_violations", "regex_calls_missing_from_graph"):
            print(f"{key}: {value}")
    print(f"missing: {len(result['missing'])} {result['missing'][:10]}")
    print(f"regex_calls_missing_from_graph: {len(result['regex_calls_missing_from_graph'])}")
    print(f"order_violations: {len(result['order_violations'])} {result['order_violations'][:5]}")
    if args.out:
        args.out.write_text(json.dumps(result, indent=2))
    ok = not (result["missing"] or result["order_violations"] or result["regex_calls_missing_from_graph"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
