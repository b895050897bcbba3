"""`translate verify`: equal programs pass, one-character differences fail with a readable diff."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from repowright.agent.translate.compare import RunOutput, compare_runs, texts_equal
from repowright.agent.translate.verify import Case, Verifier, c_sources, find_cases, load_cases

ROOT = Path(__file__).parents[3]
EXAMPLE = ROOT / "examples" / "c2rust"
PITFALLS = ROOT / "tests" / "data" / "c2rust" / "pitfalls"


@pytest.fixture(scope="module")
def verifier(docker_sandbox):
    with Verifier(docker_sandbox) as v:
        yield v


def mutated_crate(tmp_path: Path, old: str, new: str) -> Path:
    crate = tmp_path / "crate"
    shutil.copytree(EXAMPLE / "rust", crate)
    main = crate / "src" / "main.rs"
    text = main.read_text()
    assert old in text
    main.write_text(text.replace(old, new, 1))
    return crate


@pytest.mark.docker
def test_example_is_equivalent(verifier):
    report = verifier.verify(EXAMPLE / "c", EXAMPLE / "rust", find_cases(EXAMPLE / "c", None))
    assert report.build.c and report.build.rust
    assert [c.name for c in report.cases] == ["pangram", "top-five", "no-letters", "empty"]
    assert report.equivalent, [c.diff for c in report.cases]
    assert report.cases[0].c.stdout.startswith("lines 2, words 17, chars 86\n")
    assert report.cases[3].c.exit_code == 1 and report.cases[3].c.stderr == "wordstat: empty input\n"


@pytest.mark.docker
@pytest.mark.parametrize(
    "old,new,expected",
    [
        ('"{} {:5.1}%"', '"{} {:5.2}%"', "-o   8.9%\n-e   6.7%\n-h   4.4%\n+o  8.89%"),  # one printf format
        ("return ExitCode::from(1);", "return ExitCode::from(2);", "exit code: C 1, Rust 2"),
        (
            'println!("mean word length {}", fmt_g3',
            'print!("mean word length {}", fmt_g3',
            "+mean word length 3.89o   8.9%",
        ),  # a lost newline
    ],
)
def test_one_difference_fails_with_a_readable_diff(verifier, tmp_path, old, new, expected):
    crate = mutated_crate(tmp_path, old, new)
    cases = [Case("pangram", stdin="The quick brown fox jumps over the lazy dog.\n"), Case("empty")]
    report = verifier.verify(EXAMPLE / "c", crate, cases)
    assert report.build.rust and not report.equivalent
    diffs = "".join(c.diff for c in report.cases)
    assert expected in diffs, diffs


@pytest.mark.docker
def test_trailing_newline_diff_is_marked(verifier, tmp_path):
    crate = mutated_crate(tmp_path, 'println!("{} {:5.1}%"', 'print!("{} {:5.1}%"')
    report = verifier.verify(EXAMPLE / "c", crate, [Case("one", args=["1"], stdin="aaa\n")])
    diff = report.cases[0].diff
    assert "--- stdout (C)" in diff and "+++ stdout (Rust)" in diff
    assert "-a  75.0%\n+a  75.0%\n\\ No newline at end of file" in diff


@pytest.mark.docker
def test_rust_build_failure_is_reported(verifier, tmp_path):
    crate = mutated_crate(tmp_path, "fn main() -> ExitCode {", "fn main() -> ExitCode { let x: u8 = 300;")
    report = verifier.verify(EXAMPLE / "c", crate, [Case("x")])
    assert report.build.c and not report.build.rust and not report.equivalent
    assert "Rust build failed" in report.build.errors and "error" in report.build.errors


@pytest.mark.docker
@pytest.mark.parametrize("name", sorted(p.name for p in PITFALLS.iterdir()))
def test_pitfall_programs_have_equivalent_rust(verifier, name):
    c_dir, crate = PITFALLS / name / "c", PITFALLS / name / "rust"
    report = verifier.verify(c_dir, crate, find_cases(c_dir, None))
    assert report.equivalent, (report.build.errors, [c.diff for c in report.cases])


def test_float_tolerance():
    assert not texts_equal("x=0.333333\n", "x=0.333334\n")
    assert texts_equal("x=0.333333\n", "x=0.333334\n", float_tolerance=1e-5)
    assert not texts_equal("x=0.3333\n", "x=0.3340\n", float_tolerance=1e-5)
    assert not texts_equal("x=0.3 y\n", "x=0.3 z\n", float_tolerance=1.0)  # text still must match
    assert texts_equal("nan -inf 1e+06", "nan -inf 1000000.0", float_tolerance=1e-9)
    assert not texts_equal("nan", "1", float_tolerance=10.0)


def test_compare_runs_reports_each_difference():
    c = RunOutput(0, "a\n", "", {"out.txt": "1"})
    rust = RunOutput(3, "a\n", "warn\n", {})
    equal, diff = compare_runs(c, rust)
    assert not equal
    assert (
        "exit code: C 0, Rust 3" in diff
        and "+warn" in diff
        and "output file out.txt: missing in Rust" in diff
    )
    assert compare_runs(c, rust, compare_stderr=False)[1].count("stderr") == 0


def test_cases_file_errors(tmp_path):
    bad = tmp_path / "cases.yaml"
    bad.write_text("just text")
    with pytest.raises(Exception, match="holds no cases"):
        load_cases(bad)
    bad.write_text("- name: a\n  args: [1, two]\n  files: {in.txt: hi}\n")
    assert load_cases(bad) == [Case("a", ["1", "two"], "", {"in.txt": "hi"})]


def test_cases_with_binary_input_files_and_source_selection(tmp_path):
    (tmp_path / "data.bin").write_bytes(b"\x00\xffBZh")
    cases = tmp_path / "cases.yaml"
    cases.write_text("cases:\n  - name: bin\n    files: {in.bin: {path: data.bin}, note.txt: hello}\n")
    assert load_cases(cases)[0].files == {"in.bin": b"\x00\xffBZh", "note.txt": "hello"}
    cases.write_text("- files: {in.bin: {path: missing.bin}}\n")
    with pytest.raises(Exception, match="does not exist"):
        load_cases(cases)
    project = Path(__file__).parents[2] / "data" / "c2rust" / "project"
    assert c_sources(project) == ["main.c", "ops.c", "util.c"]
    assert c_sources(project, ["ops.c", "u*.c"]) == ["ops.c", "util.c"]
    with pytest.raises(Exception, match="--sources"):
        c_sources(project, ["nothing*.c"])


@pytest.mark.docker
def test_binary_input_files_reach_the_program_byte_for_byte(verifier, tmp_path):
    c_dir = tmp_path / "c"
    c_dir.mkdir()
    (c_dir / "sum.c").write_text(
        "#include <stdio.h>\nint main(int c, char **v) {\n"
        '  FILE *f = fopen(v[1], "rb"); unsigned s = 0; int ch;\n'
        "  while ((ch = fgetc(f)) != EOF) s = s * 31 + ch;\n"
        '  FILE *o = fopen("out.txt", "w"); fprintf(o, "%u\\n", s); return 0; }\n'
    )
    crate = tmp_path / "rust"
    (crate / "src").mkdir(parents=True)
    (crate / "Cargo.toml").write_text('[package]\nname = "sum"\nversion = "0.1.0"\nedition = "2021"\n')
    (crate / "src" / "main.rs").write_text(
        "fn main() { let p = std::env::args().nth(1).unwrap(); let d = std::fs::read(p).unwrap();\n"
        " let s = d.iter().fold(0u32, |s, &b| s.wrapping_mul(31).wrapping_add(b as u32));\n"
        ' std::fs::write("out.txt", format!("{s}\\n")).unwrap(); }\n'
    )
    case = Case("bin", ["in.bin"], files={"in.bin": bytes(range(256)) * 4})
    report = verifier.verify(c_dir, crate, [case])
    assert report.equivalent, report.cases[0].diff
    assert set(report.cases[0].c.files) == {"in.bin", "out.txt"}
    (crate / "src" / "main.rs").write_text((crate / "src" / "main.rs").read_text().replace("{s}", "{s} "))
    report = verifier.verify(c_dir, crate, [case])
    assert report.cases[0].diff == "output file out.txt: differs in Rust\n"


def test_clippy_counts_the_lints_of_a_composed_crate(verifier, tmp_path):
    """Two `needless_return`s and a `len_zero` in a composed crate: 3 clippy warnings; the fixed crate has 0."""
    from repowright.agent.translate.crate import compose_main, write_crate
    from repowright.agent.translate.pipeline import clippy_warnings

    linted = [
        ("a.c::one", "fn one() -> i32 {\n    return 1;\n}"),
        ("a.c::two", "fn two(v: &[i32]) -> bool {\n    return v.len() == 0;\n}"),
        ("a.c::main", 'fn main() {\n    println!("{} {}", one(), two(&[1]));\n}'),
    ]
    clean = [
        ("a.c::one", "fn one() -> i32 {\n    1\n}"),
        ("a.c::two", "fn two(v: &[i32]) -> bool {\n    v.is_empty()\n}"),
        linted[2],
    ]
    assert clippy_warnings(verifier, write_crate(tmp_path / "linted", "linted", compose_main(linted))) == 3
    assert clippy_warnings(verifier, write_crate(tmp_path / "clean", "clean", compose_main(clean))) == 0
