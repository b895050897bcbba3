"""bzip2's reference files as an equivalence oracle: build bzip2 in the sandbox, compress sample1..3.ref
and decompress sample1..3.bz2, and check every output byte for byte (sha256) against the shipped files.

`python -m repowright.evals.c2rust_bzip2 /tmp/bzip2-1.0.8` checks the C build (the oracle itself); add
`--rust CRATE` to run `translate verify` of a Rust translation against it on the same cases.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

from repowright.agent.translate.compare import RunOutput
from repowright.agent.translate.verify import Case, Verifier
from repowright.sandbox import make_sandbox

BZIP2_SOURCES = [
    "bzip2.c",
    "blocksort.c",
    "huffman.c",
    "crctable.c",
    "randtable.c",
    "compress.c",
    "decompress.c",
    "bzlib.c",
]


def oracle_cases(root: Path) -> list[tuple[Case, str, str]]:
    """(case, output file, expected sha256): compress at the level each sample was made with, and decompress."""
    cases = []
    for i in (1, 2, 3):
        ref, bz2 = (root / f"sample{i}.ref").read_bytes(), (root / f"sample{i}.bz2").read_bytes()
        cases.append(
            (
                Case(f"compress-sample{i}", [f"-{i}", "-k", f"sample{i}.ref"], files={f"sample{i}.ref": ref}),
                f"sample{i}.ref.bz2",
                hashlib.sha256(bz2).hexdigest(),
            )
        )
        cases.append(
            (
                Case(f"decompress-sample{i}", ["-d", "-k", f"sample{i}.bz2"], files={f"sample{i}.bz2": bz2}),
                f"sample{i}",
                hashlib.sha256(ref).hexdigest(),
            )
        )
    return cases


def oracle_hits(runs: list[RunOutput], cases: list[tuple[Case, str, str]]) -> list[bool]:
    return [
        run.exit_code == 0 and run.files.get(out) == digest
        for run, (_, out, digest) in zip(runs, cases, strict=True)
    ]


def evaluate(root: Path, crate: Path | None, backend: str = "docker") -> dict:
    cases = oracle_cases(root)
    start = time.perf_counter()
    with Verifier(make_sandbox(backend), sources=BZIP2_SOURCES, timeout=60.0) as verifier:
        ok, log = verifier.build_c(root, "/work/oracle/c")
        result: dict = {"c_build": ok, "c_build_log": log.strip()[-2000:]}
        if ok:
            runs = [
                verifier.run_case("/work/oracle/c/prog", case, f"/work/oracle/run/{i}")
                for i, (case, _, _) in enumerate(cases)
            ]
            hits = oracle_hits(runs, cases)
            result["c_cases"] = {case.name: hit for (case, _, _), hit in zip(cases, hits, strict=True)}
            result["c_oracle_passed"] = f"{sum(hits)}/{len(hits)}"
        if crate is not None:
            report = verifier.verify(root, crate, [c for c, _, _ in cases])
            result["rust_build"] = report.build.rust
            result["rust_equivalent"] = report.equivalent
            if report.cases:
                hits = oracle_hits([c.rust for c in report.cases], cases)
                result["rust_oracle_passed"] = f"{sum(hits)}/{len(hits)}"
            result["rust_diffs"] = {c.name: c.diff for c in report.cases if not c.equal}
    result["seconds"] = round(time.perf_counter() - start, 2)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="bzip2 sources with sample1..3 (apt-get source bzip2)")
    parser.add_argument("--rust", type=Path, help="a Rust translation of bzip2 to check against the oracle")
    parser.add_argument("--sandbox", default="docker", help="sandbox backend (docker or local)")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args(argv)
    result = evaluate(args.root.resolve(), args.rust.resolve() if args.rust else None, args.sandbox)
    for key, value in result.items():
        if key != "c_build_log":
            print(f"{key}: {value}")
    if args.out:
        args.out.write_text(json.dumps(result, indent=2))
    passed = result.get("c_oracle_passed", "0/1").split("/")
    return 0 if result["c_build"] and passed[0] == passed[1] and result.get("rust_equivalent", True) else 1


if __name__ == "__main__":
    sys.exit(main())
