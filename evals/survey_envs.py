"""Survey: which SWE-bench Python specifications build an environment here, with one builder or two.

For every Python (repo, version) specification in the pinned swebench package whose repository is under
--repos-dir (owner__name, a clone or bare mirror), pick a commit of that version from the repository's
own history (the newest tag `vX.Y[.Z]` / `X.Y[.Z]`, else a dev-split instance's environment commit),
build its environment with each builder named by --builder LABEL=CHECKOUT (the checkout's `repowright`
is imported, so `before=<a checkout of main>` and `after=.` compare two versions of the builder), one
build at a time, and print how many built. Results append to --out as JSON lines, so a run resumes.

    nice -n 10 python -m repowright.evals.survey_envs --repos-dir /tmp/mirrors --builder before=/tmp/main \\
        --builder after=. --out /tmp/survey.jsonl --work /tmp/survey-envs
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

NON_PYTHON = {"swe-bench/humaneval"}
DEV_SPLIT = Path("/work/shared/data/swebench-lite-dev.jsonl")
# Runs in a child interpreter whose PYTHONPATH names the builder's checkout.
WORKER = """
import json, sys
from pathlib import Path
from repowright.evals.swebench.envs import EnvBuildError, EnvCache
from repowright.evals.swebench.specs import Specs
args = json.loads(sys.argv[1])
cache = EnvCache(Path(args["root"]), Specs(), build_timeout=args["timeout"])
try:
    env, _ = cache.get(args["instance"], Path(args["mirror"]))
    print(json.dumps({"status": "ok", "packages": len(env.manifest.get("packages", []))}))
except EnvBuildError as exc:
    print(json.dumps({"status": "failed", "error": str(exc)[-600:]}))
"""


def python_specs() -> dict[str, list[str]]:
    """{repo: [versions]} of the Python repositories in swebench's specifications."""
    from swebench.harness.constants import MAP_REPO_VERSION_TO_SPECS

    return {
        repo: list(versions)
        for repo, versions in MAP_REPO_VERSION_TO_SPECS.items()
        if repo not in NON_PYTHON and all("python" in s for s in versions.values())
    }


def commit_for(
    mirror: Path, repo: str, version: str, dev: dict[tuple[str, str], str]
) -> tuple[str, str] | None:
    """(commit, where it came from) for a version: its newest release tag, else a dev-split environment commit."""
    tags = subprocess.run(
        ["git", "-C", str(mirror), "tag", "--list"], capture_output=True, text=True
    ).stdout.split()
    pattern = re.compile(rf"^v?{re.escape(version)}(\.\d+)*$")
    matching = sorted(
        (t for t in tags if pattern.match(t)), key=lambda t: [int(x) for x in re.findall(r"\d+", t)]
    )
    if matching:
        sha = subprocess.run(
            ["git", "-C", str(mirror), "rev-list", "-n1", matching[-1]], capture_output=True, text=True
        ).stdout.strip()
        if sha:
            return sha, f"tag {matching[-1]}"
    if (repo, version) in dev:
        return dev[(repo, version)], "dev-split environment_setup_commit"
    return None


def build(label: str, checkout: Path, instance: dict, mirror: Path, work: Path, timeout: float) -> dict:
    """Build one environment with one builder in a child process; its status, error and seconds."""
    root = work / label
    args = {"root": str(root), "instance": instance, "mirror": str(mirror), "timeout": timeout}
    env = {**os.environ, "PYTHONPATH": str(checkout.resolve())}
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", WORKER, json.dumps(args)], capture_output=True, text=True, env=env
    )
    seconds = round(time.monotonic() - start, 1)
    try:
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        result = {"status": "crashed", "error": (proc.stderr or proc.stdout)[-600:]}
    shutil.rmtree(root / instance["repo"].replace("/", "__"), ignore_errors=True)  # keep the disk free
    return {**result, "seconds": seconds}


def summarize(rows: list[dict], labels: list[str]) -> dict:
    """Specifications tried, and how many built with each builder."""
    tried = {(r["repo"], r["version"]) for r in rows if r.get("builder")}
    summary: dict = {"specifications_tried": len(tried)}
    for label in labels:
        mine = [r for r in rows if r.get("builder") == label]
        summary[label] = {"built": sum(r["status"] == "ok" for r in mine), "of": len(mine)}
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos-dir", type=Path, required=True)
    parser.add_argument("--builder", action="append", required=True, help="LABEL=CHECKOUT")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--repo", action="append", help="only these repositories (in this order)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per install command")
    args = parser.parse_args(argv)
    builders = [(b.split("=", 1)[0], Path(b.split("=", 1)[1])) for b in args.builder]
    dev: dict[tuple[str, str], str] = {}
    if DEV_SPLIT.exists():
        for line in DEV_SPLIT.read_text().splitlines():
            item = json.loads(line)
            dev[(item["repo"], item["version"])] = item["environment_setup_commit"]
    rows = [json.loads(x) for x in args.out.read_text().splitlines()] if args.out.exists() else []
    done = {(r["repo"], r["version"], r.get("builder")) for r in rows}
    specs = python_specs()
    for repo in args.repo or list(specs):
        mirror = args.repos_dir / repo.replace("/", "__")
        if not mirror.exists():
            continue
        for version in specs[repo]:
            found = commit_for(mirror, repo, version, dev)
            for label, checkout in builders:
                if (repo, version, label) in done or (repo, version, None) in done:
                    continue
                row = {"repo": repo, "version": version}
                if found is None:
                    row.update(status="no commit of this version")
                else:
                    instance = {
                        "repo": repo,
                        "version": version,
                        "environment_setup_commit": found[0],
                        "base_commit": found[0],
                        "instance_id": f"survey__{repo}-{version}",
                    }
                    row.update(
                        builder=label,
                        commit=found[0],
                        commit_from=found[1],
                        **build(label, checkout, instance, mirror, args.work, args.timeout),
                    )
                rows.append(row)
                with args.out.open("a") as handle:
                    handle.write(json.dumps(row) + "\n")
                print(json.dumps(row)[:300], flush=True)
                if found is None:
                    break
    print(json.dumps(summarize(rows, [label for label, _ in builders])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
