"""Copies into and out of the real Docker sandbox are size-checked and streamed; a full work dir is reported."""

from __future__ import annotations

import io
import resource
import subprocess

import pytest

from repowright.sandbox import CopyLimitError, Limits

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("no_leftover_containers")]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.timeout(300)
def test_reading_a_huge_sparse_file_fails_cleanly_without_host_memory(docker_sandbox, tmp_path):
    with docker_sandbox.session() as sess:
        assert sess.exec("truncate -s 50G /tmp/test_output.txt && truncate -s 1G big.log").exit_code == 0
        before = peak_rss_mb()
        for path in ("/tmp/test_output.txt", "big.log"):
            with pytest.raises(CopyLimitError, match="limit"):
                sess.read_file(path)
        with pytest.raises(CopyLimitError, match="limit"):
            sess.copy_out("big.log", tmp_path / "out", limit=100 << 20)
        assert peak_rss_mb() - before < 200  # before the fix: 1 GB sparse took 2 GB of host memory
        assert sess.exec("echo usable").stdout == "usable\n"


def test_a_copy_that_grows_past_its_limit_while_streaming_is_stopped(docker_sandbox):
    from repowright.sandbox.copying import LimitedSink

    with docker_sandbox.session() as sess:
        sess.exec("head -c 30000000 /dev/urandom > blob")
        sink = io.BytesIO()
        with pytest.raises(CopyLimitError):
            sess.get_stream(
                "blob", LimitedSink(sink, 5 << 20, "blob")
            )  # no size check first: the stream's cap
        assert len(sink.getvalue()) <= 5 << 20
        assert sess.exec("echo usable").stdout == "usable\n"


def test_copying_in_a_work_dir_larger_than_the_sandbox_is_a_clear_error(docker_sandbox, tmp_path):
    (tmp_path / "small.txt").write_text("hi\n")
    subprocess.run(["truncate", "-s", "2500M", str(tmp_path / "huge.bin")], check=True)
    before = peak_rss_mb()
    with docker_sandbox.session(limits=Limits(memory="2g")) as sess:
        with pytest.raises(CopyLimitError, match=r"huge\.bin"):
            sess.put_directory(tmp_path)
        assert peak_rss_mb() - before < 200  # before the fix: 2.6 GB of host memory and an empty reason
        (tmp_path / "huge.bin").unlink()
        sess.put_directory(tmp_path)
        assert sess.exec("cat small.txt").stdout == "hi\n"


def test_filling_the_work_dir_is_reported_and_the_session_stays_usable(docker_sandbox):
    with docker_sandbox.session(limits=Limits(memory="512m", timeout=120)) as sess:
        result = sess.exec("dd if=/dev/zero of=/work/fill bs=1M count=3000")
        assert result.exit_code != 0 and result.workdir_full
        assert "work dir full" in result.stderr and "/work" in result.stderr
        after = sess.exec("echo still usable")  # before the fix: 137, then every exec failed with 126
        assert (after.exit_code, after.stdout) == (0, "still usable\n")
        assert sess.exec("rm fill && dd if=/dev/zero of=/work/ok bs=1M count=10 2>/dev/null").exit_code == 0
