"""Repositories from a git URL template: each node clones a bare mirror once and fetches missing commits."""

from __future__ import annotations

import subprocess

import pytest

from repowright.agent.errors import UserError
from repowright.evals.swebench.cluster import describe_repos
from repowright.evals.swebench.fetch import fetch_mirror, mirror_url
from repowright.evals.swebench.repos import find_mirror, has_commit


def git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout.strip()


def test_a_template_is_cloned_once_and_fetched_when_a_commit_is_missing(tmp_path):
    upstream = tmp_path / "upstream" / "org__lib"
    upstream.mkdir(parents=True)
    git("-C", str(upstream), "init", "-q")
    (upstream / "a.txt").write_text("one\n")
    ident = ["-c", "user.name=t", "-c", "user.email=t@t.invalid"]
    git("-C", str(upstream), "add", "-A")
    git("-C", str(upstream), *ident, "commit", "-qm", "one")
    first = git("-C", str(upstream), "rev-parse", "HEAD")
    template = f"file://{tmp_path}/upstream/{{owner}}__{{name}}"
    root = fetch_mirror(template, "org/lib", tmp_path / "cache", (first,))
    mirror = find_mirror(root, "org/lib")
    assert has_commit(mirror, first)
    (upstream / "a.txt").write_text("two\n")
    git("-C", str(upstream), *ident, "commit", "-qam", "two")
    second = git("-C", str(upstream), "rev-parse", "HEAD")
    assert not has_commit(mirror, second)
    fetch_mirror(template, "org/lib", tmp_path / "cache", (second,))
    assert has_commit(mirror, second)


def test_repos_dir_is_a_folder_or_a_template_with_owner_and_name(tmp_path):
    assert describe_repos(str(tmp_path)) == (tmp_path.resolve(), None)
    assert describe_repos("https://github.com/{owner}/{name}.git") == (
        None,
        "https://github.com/{owner}/{name}.git",
    )
    assert (
        mirror_url("https://github.com/{owner}/{name}.git", "psf/requests")
        == "https://github.com/psf/requests.git"
    )
    with pytest.raises(UserError, match="neither a folder nor a URL template"):
        describe_repos("https://github.com/{owner}.git")
    with pytest.raises(UserError, match="cannot fetch org/none"):
        fetch_mirror(f"file://{tmp_path}/nowhere/{{owner}}__{{name}}", "org/none", tmp_path / "cache")
