"""Mining issue→fix instances from a small git history, moving a checkout between commits, training weights."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np

from repowright.evals.locate_checkout import Checkout
from repowright.evals.mine_locate_set import annotate, clean_message, mine_repo, patch_hunks
from repowright.evals.train_locate import fit

MESSAGE = (
    "Fix crash when the config file is empty (#12)\n\nLoading an empty setup.cfg raised IndexError in "
    "read_config because the parser assumed at least one section. An empty file now gives the defaults, "
    "as documented for missing files.\n\nCo-authored-by: someone <x@y>\nFixes #11\n"
)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), "-c", "user.email=t@t", "-c", "user.name=t", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def commit(repo: Path, files: dict[str, str], message: str) -> str:
    for path, text in files.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def history(tmp_path: Path) -> Path:
    repo = tmp_path / "proj"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    commit(
        repo,
        {
            "pkg/config.py": "def read_config(text):\n    return text.split('[')[1]\n",
            "pkg/other.py": "X = 1\n",
            "tests/test_config.py": "def test_ok():\n    pass\n",
        },
        "initial",
    )
    commit(
        repo,
        {
            "pkg/config.py": "def read_config(text):\n    if not text:\n        return {}\n"
            "    return text.split('[')[1]\n",
            "tests/test_config.py": "def test_ok():\n    pass\n\ndef test_empty():\n    pass\n",
        },
        MESSAGE,
    )
    commit(
        repo,
        {"pkg/other.py": "X = 2\n", "tests/test_config.py": "def test_ok():\n    assert 1\n"},
        "Bump X to 2 because the release needs it, see #13 for the long discussion " + "x" * 200,
    )
    commit(
        repo,
        {"pkg/new.py": "Y = 1\n", "pkg/other.py": "X = 3\n", "tests/test_config.py": "# new\n"},
        "Fix the other module by adding a new helper module, closes #14 " + "y" * 200,
    )
    return repo


def test_mining_keeps_linked_behavioural_fixes_only(tmp_path):
    repo = history(tmp_path)
    rows = mine_repo("o/proj", repo / ".git", per_repo=10, min_chars=150, max_files=3)
    assert len(rows) == 1  # the bump is housekeeping; the last commit adds a source file
    row = rows[0]
    assert row["gold_files"] == ["pkg/config.py"] and row["gold_lines"] == {"pkg/config.py": [1]}
    assert row["gold_hunks"] == 1
    assert row["problem_statement"].startswith("Fix crash when the config file is empty")
    assert "Co-authored-by" not in row["problem_statement"] and "Fixes #11" in row["problem_statement"]
    assert row["base_commit"] == git(repo, "rev-parse", f"{row['fix_commit']}^").strip()
    again = mine_repo("o/proj", repo / ".git", 10, 150, 3, exclude=frozenset({row["instance_id"]}))
    assert again == []  # a later sample leaves out what an earlier one drew


def test_annotate_adds_hunk_counts_and_changes_nothing_else(tmp_path):
    repo = history(tmp_path)
    shas = git(repo, "rev-list", "--reverse", "HEAD").split()
    far = "\n".join(f"x{i} = {i}" for i in range(30)) + "\n"
    shas.append(commit(repo, {"pkg/other.py": far}, "wide"))
    shas.append(
        commit(repo, {"pkg/other.py": far.replace("x0 = 0", "x0 = 9").replace("x29 = 29", "x29 = 9")}, "two")
    )
    mirror = tmp_path / "mirror" / "o+proj"
    mirror.mkdir(parents=True)
    (mirror / "repo").symlink_to(repo / ".git")
    assert patch_hunks(mirror / "repo", shas[-2], shas[-1], ["pkg/other.py"]) == 2  # 28 lines apart
    row = {
        "instance_id": "o__proj-1",
        "repo": "o/proj",
        "base_commit": shas[-2],
        "fix_commit": shas[-1],
        "problem_statement": "p",
        "gold_files": ["pkg/other.py"],
        "gold_lines": {"pkg/other.py": [1, 30]},
    }
    dataset = tmp_path / "set.jsonl"
    dataset.write_text(json.dumps(row) + "\n")
    annotate(dataset, tmp_path / "mirror")
    assert json.loads(dataset.read_text()) == row | {"gold_hunks": 2}


def test_clean_message_drops_trailers_and_changelog_bullets():
    text = clean_message(
        "Fix it (#3)", "Body line.\n\n* Add changelog entry\nSigned-off-by: a <b>\n---------\n"
    )
    assert text == "Fix it (#3)\nBody line."


def test_checkout_moves_between_commits_rewriting_only_changed_files(tmp_path):
    repo = history(tmp_path)
    shas = git(repo, "rev-list", "--reverse", "HEAD").split()
    checkout = Checkout(repo, tmp_path / "work")
    checkout.goto(shas[0])
    untouched = checkout.root / "pkg" / "config.py"
    before = untouched.stat().st_mtime_ns
    checkout.goto(shas[2])
    assert (checkout.root / "pkg/other.py").read_text() == "X = 2\n"
    assert "if not text" in untouched.read_text() and untouched.stat().st_mtime_ns != before
    before = untouched.stat().st_mtime_ns
    checkout.goto(shas[3])
    assert untouched.stat().st_mtime_ns == before and (checkout.root / "pkg/new.py").exists()
    checkout.goto(shas[0])
    assert not (checkout.root / "pkg/new.py").exists() and "if not" not in untouched.read_text()
    kg = checkout.graph()
    assert "pkg/config.py::read_config" in kg.graph


def test_listwise_fit_learns_which_feature_marks_the_gold():
    rng = np.random.default_rng(0)
    groups = []
    for _ in range(30):
        x = rng.random((20, 3))
        gold = int(rng.integers(20))
        x[gold, 1] += 1.0  # feature 1 marks the gold; features 0 and 2 are noise
        groups.append((x, np.array([gold])))
    w = fit(groups, steps=200)
    assert w[1] > 2 * max(abs(w[0]), abs(w[2]))
