"""atomic_write: the target holds the old or the new content, never a part, and no temp file is left."""

from __future__ import annotations

import pytest

from repowright.agent.atomic import atomic_write


def test_writes_text_and_bytes_and_creates_folders(tmp_path):
    target = tmp_path / "a" / "b" / "out.json"
    atomic_write(target, "{}\n")
    assert target.read_text() == "{}\n"
    atomic_write(target, b"\x00\xff")
    assert target.read_bytes() == b"\x00\xff"
    assert oct(target.stat().st_mode & 0o777) == "0o644"
    assert [p.name for p in target.parent.iterdir()] == ["out.json"]


def test_failed_write_keeps_the_old_file_and_no_temp(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(TypeError):
        atomic_write(target, 12345)  # type: ignore[arg-type]
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
