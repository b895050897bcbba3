"""Harness failures are named: a checkout that git cannot make is a CheckoutError (a HarnessError), which the
run records per instance, and not a bare RuntimeError."""

from __future__ import annotations

import subprocess

import pytest

from repowright.evals.swebench.errors import HarnessError
from repowright.evals.swebench.run import checkout


def test_checkout_of_a_missing_commit_is_a_named_harness_error(tmp_path):
    mirror = tmp_path / "mirror"
    subprocess.run(["git", "init", "-q", str(mirror)], check=True)
    with pytest.raises(HarnessError, match="git -C .* failed"):
        checkout(mirror, "0" * 40, tmp_path / "work")
