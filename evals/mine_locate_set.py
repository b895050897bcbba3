"""Mine issue→fix localisation instances from the git history of Python repositories (no network, no model).

An instance is one non-merge commit whose message reads like a bug report or PR description and whose change is
small and behavioural. The rules, applied in this order:
1. the message references an issue or PR (`#123`, `issue`, `fixes`, `closes`) and, once cleaned, is at least
   `--min-chars` long (cleaning drops trailer lines such as Co-authored-by/Signed-off-by, changelog-only bullets,
   separator lines and URLs to the repository's own pull requests);
2. it is not housekeeping (Bump, pre-commit, release, typo, docs, revert, merge, backport, CI, lint, format,
   clean-up, rename, typing);
3. the commit modifies (status M) 1 to `--max-files` non-test `.py` source files (no docs/, examples/, setup.py,
   conftest) and adds no source `.py` file (a new file cannot be localised before it exists);
4. it also changes at least one test file (evidence that the change is behavioural, as in SWE-bench);
5. the same cleaned message is kept once per repository (backports repeat it).
The query is the cleaned commit message: text a developer wrote about the problem, not the diff. Gold is the set of
changed source files and, per file, the old-file lines the change removes or edits (or the line an insertion
follows); the benchmark maps those lines to the innermost function or class in its own graph, exactly as it does
for SWE-bench patches. `gold_hunks` is the number of hunks of the source part of the fix as `git diff` writes it
(3 lines of context, as SWE-bench's gold patches), so a benchmark can apply SWE-bench Lite's rule (one file, at
most 3 hunks). Only message text, paths and line and hunk numbers are written, never code.

Usage: python -m repowright.evals.mine_locate_set --mirror /work/.mirror --repos owner/name,... --out FILE
       [--per-repo 40] [--min-chars 200] [--max-files 3] [--exclude EARLIER_FILE ...]
       python -m repowright.evals.mine_locate_set --mirror /work/.mirror --annotate FILE
       (adds `gold_hunks` to the instances of an existing FILE, changing nothing else)
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
from pathlib import Path

from repowright.agent.atomic import atomic_write

TEST_PATH = re.compile(r"(^|/)(tests?|testing)(/|$)|(^|/)test_[^/]*$|_test\.py$|(^|/)conftest\.py$")
NOT_SOURCE = re.compile(
    r"(^|/)(docs?|examples?|benchmarks?|scripts|tools|ci|\.github)(/|$)|(^|/)(setup|noxfile|"
    r"conf|tasks|fabfile)\.py$|(^|/)_?version\.py$"
)
LINKED = re.compile(r"#\d+|\bissue\b|\bfix(es|ed)?\b|\bclose[sd]?\b|\bresolve[sd]?\b|\bbug\b", re.I)
HOUSEKEEPING = re.compile(
    r"^\s*(\[?backport|bump|\[pre-commit|pre-commit|release|prepare|version|typo|docs?\b|"
    r"doc:|revert|merge|ci\b|ci:|lint|format|style|chore|build|refactor|update changelog|"
    r"changelog|clean ?up|tidy|rename|typing|type hint|add type)",
    re.I,
)
TRAILER = re.compile(
    r"^\s*([\w-]+-by:|co-authored|signed-off|\(cherry picked|git-svn-id|--HG--|extra :|-{3,}|\* ?add (a )?"
    r"(changelog|changes|news|release note)|\* ?(update|fix) (changelog|changes|docs|tests?)\b"
    r"|\* ?\[pre-commit|\* ?(apply|address) (suggestion|review)|\* ?(lint|format|fix lint|typo)\b)",
    re.I,
)
HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@")
SEP = "\x1e"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(repo), *args], capture_output=True, check=True, text=True, errors="replace"
    ).stdout


def clean_message(subject: str, body: str) -> str:
    """The subject and body without trailers, bot lines and bare pull-request URLs."""
    lines = [subject.strip()]
    for line in body.splitlines():
        if TRAILER.match(line) or re.match(r"^\s*https?://github\.com/\S+/pull/\d+\s*$", line):
            continue
        lines.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def commits(repo: Path) -> list[dict]:
    """Every non-merge commit with its parent, cleaned message and name-status list."""
    raw = git(
        repo, "log", "--no-merges", "--no-renames", "--name-status", f"--format={SEP}%H %P%n%s%n%b{SEP}"
    )
    out = []
    parts = raw.split(SEP)
    for i in range(1, len(parts) - 1, 2):
        head, _, body = parts[i].partition("\n")
        shas = head.split()
        if len(shas) != 2:
            continue
        subject, _, body = body.partition("\n")
        changes = [line.split("\t") for line in parts[i + 1].strip().splitlines() if "\t" in line]
        out.append(
            {
                "sha": shas[0],
                "parent": shas[1],
                "subject": subject,
                "query": clean_message(subject, body),
                "changes": changes,
            }
        )
    return out


def is_source(path: str) -> bool:
    return path.endswith(".py") and not TEST_PATH.search(path) and not NOT_SOURCE.search(path)


def keep(commit: dict, min_chars: int, max_files: int) -> list[str] | None:
    """The gold source files if the commit passes rules 1-4, else None."""
    query = commit["query"]
    if len(query) < min_chars or not LINKED.search(query) or HOUSEKEEPING.match(commit["subject"]):
        return None
    modified = [c[1] for c in commit["changes"] if c[0] == "M" and is_source(c[1])]
    added = [c[-1] for c in commit["changes"] if c[0] != "M" and is_source(c[-1])]
    tests = [c[-1] for c in commit["changes"] if TEST_PATH.search(c[-1])]
    if added or not tests or not 1 <= len(modified) <= max_files:
        return None
    return sorted(modified)


def changed_lines(repo: Path, parent: str, sha: str, paths: list[str]) -> dict[str, list[int]]:
    """Per file, the old lines removed or edited, or the old line an insertion follows (as bench_locate does)."""
    out: dict[str, set[int]] = {p: set() for p in paths}
    current = None
    for line in git(repo, "diff", "-U0", "--no-renames", parent, sha, "--", *paths).splitlines():
        if line.startswith("--- "):
            current = line[6:] if line.startswith("--- a/") else None
        elif (hunk := HUNK.match(line)) and current in out:
            start, count = int(hunk.group(1)), int(hunk.group(2) if hunk.group(2) is not None else 1)
            out[current].update(range(start, start + count) if count else [max(1, start)])
    return {p: sorted(v) for p, v in out.items() if v}


def patch_hunks(repo: Path, parent: str, sha: str, paths: list[str]) -> int:
    """Hunks of the change to `paths` in a default `git diff` (3 lines of context): SWE-bench Lite's measure."""
    diff = git(repo, "diff", "--no-renames", parent, sha, "--", *paths)
    return sum(1 for line in diff.splitlines() if line.startswith("@@ "))


def mine_repo(
    repo_name: str,
    git_dir: Path,
    per_repo: int,
    min_chars: int,
    max_files: int,
    exclude: frozenset[str] = frozenset(),
) -> list[dict]:
    """Up to `per_repo` instances of one repository: a repository-seeded sample of every commit that passes the
    rules, leaving out the instance ids in `exclude` (a sample drawn before)."""
    found, seen = [], set()
    for commit in commits(git_dir):
        gold = keep(commit, min_chars, max_files)
        if gold is None or commit["query"] in seen:
            continue
        seen.add(commit["query"])
        lines = changed_lines(git_dir, commit["parent"], commit["sha"], gold)
        if set(lines) != set(gold):
            continue
        found.append(
            {
                "instance_id": f"{repo_name.replace('/', '__')}-{commit['sha'][:10]}",
                "repo": repo_name,
                "base_commit": commit["parent"],
                "fix_commit": commit["sha"],
                "problem_statement": commit["query"],
                "gold_files": gold,
                "gold_lines": lines,
            }
        )
    found = [i for i in found if i["instance_id"] not in exclude]
    random.Random(repo_name).shuffle(found)  # a fixed, repository-seeded sample across the whole history
    chosen = sorted(found[:per_repo], key=lambda i: i["instance_id"])
    for inst in chosen:
        inst["gold_hunks"] = patch_hunks(git_dir, inst["base_commit"], inst["fix_commit"], inst["gold_files"])
    return chosen


def annotate(path: Path, mirror: Path) -> None:
    """Add `gold_hunks` to every instance of the dataset at `path`, rewriting it atomically."""
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    for row in rows:
        git_dir = mirror / row["repo"].replace("/", "+") / "repo"
        if not git_dir.exists():
            raise SystemExit(f"error: no git directory at {git_dir}; fetch {row['repo']} first")
        row["gold_hunks"] = patch_hunks(git_dir, row["base_commit"], row["fix_commit"], row["gold_files"])
    atomic_write(path, "".join(json.dumps(r) + "\n" for r in rows))
    print(f"{len(rows)} instances annotated with gold_hunks -> {path}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--mirror", type=Path, required=True, help="folder of owner+name/repo git directories"
    )
    parser.add_argument("--repos", help="comma-separated owner/name list")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--annotate", type=Path, help="add gold_hunks to this dataset in place")
    parser.add_argument(
        "--exclude", type=Path, action="append", default=[], help="leave out the instances of this dataset"
    )
    parser.add_argument("--per-repo", type=int, default=40)
    parser.add_argument("--min-chars", type=int, default=200)
    parser.add_argument("--max-files", type=int, default=3)
    args = parser.parse_args()
    if args.annotate:
        annotate(args.annotate, args.mirror)
        return
    if not args.repos or not args.out:
        parser.error("--repos and --out are required unless --annotate is given")
    exclude = frozenset(
        json.loads(line)["instance_id"]
        for path in args.exclude
        for line in path.read_text().splitlines()
        if line.strip()
    )
    rows = []
    for name in [r for r in args.repos.split(",") if r]:
        git_dir = args.mirror / name.replace("/", "+") / "repo"
        if not git_dir.exists():
            raise SystemExit(f"error: no git directory at {git_dir}; fetch {name} first")
        mined = mine_repo(name, git_dir, args.per_repo, args.min_chars, args.max_files, exclude)
        print(f"{name}: {len(mined)} instances")
        rows.extend(mined)
    atomic_write(args.out, "".join(json.dumps(r) + "\n" for r in rows))
    print(f"{len(rows)} instances -> {args.out}")


if __name__ == "__main__":
    main()
