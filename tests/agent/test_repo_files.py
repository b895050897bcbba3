"""What enters the sandbox: git's view of the tree (or .gitignore rules outside git), secret files left out."""

from __future__ import annotations

import subprocess

from repowright.agent.repo_files import select_files, tar_selection
from repowright.analyzers.secret_files import is_secret_file

# the secret files make_tree writes: each must be left out of the selection
SECRETS = (
    ".env",
    ".env.local",
    "keys/server.pem",
    "keys/id_ed25519.pub",
    ".netrc",
    ".pypirc",
    "config/credentials.json",
)


def make_tree(root) -> None:
    for path in (
        "src/app.py",
        "src/id_utils.py",
        *SECRETS,
        "build/out.txt",
        "pkg/.gitignore",
        "pkg/a.py",
        "pkg/skip.log",
    ):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text("x\n")
    (root / ".gitignore").write_text("build/\n")
    (root / "pkg/.gitignore").write_text("*.log\n")


def test_secret_names():
    assert all(
        is_secret_file(p)
        for p in (
            ".env",
            "a/.env.prod",
            "k.pem",
            "x.key",
            "id_rsa",
            "id_ed25519.pub",
            ".netrc",
            ".pypirc",
            "credentials",
            "aws/credentials.json",
        )
    )
    assert not any(is_secret_file(p) for p in ("id_utils.py", "environment.py", "keys.py", "README.md"))


def test_outside_git_gitignore_rules_apply(tmp_path):
    make_tree(tmp_path)
    chosen = select_files(tmp_path)
    assert chosen.files == [".gitignore", "pkg/.gitignore", "pkg/a.py", "src/app.py", "src/id_utils.py"]
    assert set(chosen.secrets_left_out) == set(SECRETS)
    assert ".env" in select_files(tmp_path, include_secrets=True).files


def test_in_git_tracked_secrets_stay_out_and_ignored_files_too(tmp_path):
    make_tree(tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-f", ".env", "keys/server.pem"], cwd=tmp_path, check=True)
    (tmp_path / "src/new.py").write_text("y\n")  # untracked, not ignored: it is part of the work
    chosen = select_files(tmp_path)
    assert (
        "src/new.py" in chosen.files
        and "build/out.txt" not in chosen.files
        and "pkg/skip.log" not in chosen.files
    )
    assert ".env" not in chosen.files and "keys/server.pem" in chosen.secrets_left_out
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(tar_selection(tmp_path, chosen.files))) as tar:
        assert sorted(m.name for m in tar.getmembers()) == chosen.files
