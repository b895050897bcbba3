"""--apply writes the chosen patch into the host checkout, also when it is a folder inside a larger git repository."""

from __future__ import annotations

import subprocess

import pytest

from repowright.agent.errors import UserError
from repowright.agent.solve.outputs import apply_to_checkout

PATCH = """diff --git a/pkg/a.py b/pkg/a.py
--- a/pkg/a.py
+++ b/pkg/a.py
@@ -1 +1 @@
-x = 1
+x = 2
diff --git a/new.txt b/new.txt
new file mode 100644
--- /dev/null
+++ b/new.txt
@@ -0,0 +1 @@
+hello
"""


def test_apply_inside_a_subfolder_of_a_git_repository(tmp_path):
    outer = tmp_path / "outer"
    repo = outer / "projects" / "demo"
    (repo / "pkg").mkdir(parents=True)
    (repo / "pkg" / "a.py").write_text("x = 1\n")
    subprocess.run(["git", "init", "-q", str(outer)], check=True)
    apply_to_checkout(repo, PATCH)
    assert (repo / "pkg" / "a.py").read_text() == "x = 2\n"
    assert (repo / "new.txt").read_text() == "hello\n"


def test_a_patch_that_does_not_apply_is_a_one_line_error(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("x = 5\n")
    with pytest.raises(UserError, match="the patch does not apply to"):
        apply_to_checkout(tmp_path, PATCH)
    assert (tmp_path / "pkg" / "a.py").read_text() == "x = 5\n" and not (tmp_path / "new.txt").exists()
