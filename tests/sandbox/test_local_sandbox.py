"""The local fallback: same interface, no isolation, and it says so."""

from __future__ import annotations

from repowright.sandbox import Limits, make_sandbox


def test_local_sandbox_warns_and_runs(capsys, tmp_path):
    sb = make_sandbox("local")
    assert "nothing is isolated" in capsys.readouterr().err
    (tmp_path / "in.txt").write_text("data")
    result = sb.run("cat in.txt; exit 4", src=tmp_path)
    assert (result.exit_code, result.stdout) == (4, "data")


def test_local_timeout_kills_group():
    sb = make_sandbox("local")
    result = sb.run("sleep 30 & sleep 30", limits=Limits(timeout=1))
    assert result.timed_out and result.exit_code == 124


def test_local_copy_round_trip(tmp_path):
    sb = make_sandbox("local")
    with sb.session() as sess:
        sess.put_files({"a/b.bin": bytes(range(256))})
        assert sess.read_file("a/b.bin") == bytes(range(256))
