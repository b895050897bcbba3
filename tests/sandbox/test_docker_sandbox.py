"""The Docker sandbox against a real engine: limits, isolation, copying, cleanup."""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest

from repowright.sandbox import Limits, SandboxError

pytestmark = pytest.mark.docker


def test_output_and_exit_code(docker_sandbox):
    result = docker_sandbox.run("echo out; echo err >&2; exit 7", limits=Limits(timeout=30))
    assert (result.exit_code, result.stdout, result.stderr) == (7, "out\n", "err\n")
    assert not result.timed_out and not result.oom_killed


def test_argv_command_and_stdin(docker_sandbox):
    result = docker_sandbox.run(["python3", "-c", "import sys; print(sys.stdin.read()[::-1])"], stdin=b"abc")
    assert result.stdout == "cba\n"


def test_timeout_kills_the_command_and_its_children(docker_sandbox):
    with docker_sandbox.session(limits=Limits(timeout=30)) as sess:
        start = time.monotonic()
        result = sess.exec("sleep 100 & sleep 100", timeout=1.5)
        assert result.timed_out and result.exit_code == 124
        assert time.monotonic() - start < 10
        left = sess.exec("ps -u sandbox -o stat=,comm= | grep -v '^Z' | grep -c sleep || true")
        assert left.stdout.strip() == "0"


def test_memory_limit_kill_is_reported(docker_sandbox):
    result = docker_sandbox.run(
        ["python3", "-c", "x = bytearray(512 << 20)"], limits=Limits(timeout=60, memory="64m")
    )
    assert result.exit_code == 137 and result.oom_killed
    assert "memory limit" in result.stderr


def test_fork_bomb_is_contained_by_pids_limit(docker_sandbox):
    bomb = "bomb() { bomb | bomb & }; bomb; sleep 3; echo survived"
    with docker_sandbox.session(limits=Limits(timeout=30, pids=64)) as sess:
        result = sess.exec(["bash", "-c", bomb], timeout=6)
        assert "Resource temporarily unavailable" in result.stderr  # forks were refused at the limit
        pids = sess.container.stats(stream=False)["pids_stats"][
            "current"
        ]  # the engine's count, from the host
    assert 0 < pids <= 64  # the bomb is held at the limit inside its container


def test_no_network_only_loopback_and_host_listener_unreachable(docker_sandbox):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    accepted: list = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    probe = (
        "import socket, sys\n"
        "print(sorted(name for _, name in socket.if_nameindex()))\n"
        "s = socket.socket(); s.settimeout(3)\n"
        f"try:\n    s.connect(('127.0.0.1', {port})); print('connected')\n"
        "except OSError as e:\n    print('refused', type(e).__name__)\n"
    )
    try:
        result = docker_sandbox.run(["python3", "-c", probe], limits=Limits(timeout=30))
    finally:
        listener.close()
    assert result.stdout.splitlines()[0] == "['lo']"
    assert result.stdout.splitlines()[1].startswith("refused")
    assert not accepted


def test_writes_outside_the_work_dir_fail(docker_sandbox):
    script = (
        "for p in /etc/x /usr/x /x /root/x; do touch $p 2>/dev/null && echo wrote $p; done; "
        "touch /work/ok /tmp/ok && echo workdir-ok; id -u"
    )
    result = docker_sandbox.run(script)
    assert "wrote" not in result.stdout
    assert "workdir-ok" in result.stdout
    assert result.stdout.split()[-1] == "1000"


def test_files_copied_in_and_out_intact(docker_sandbox, tmp_path):
    blob = os.urandom(300_000) + bytes(range(256))
    src = tmp_path / "src"
    (src / "pkg").mkdir(parents=True)
    (src / "pkg" / "data.bin").write_bytes(blob)
    (src / "hello.txt").write_text("héllo\n")
    with docker_sandbox.session() as sess:
        sess.put_directory(src)
        sess.exec("cp pkg/data.bin pkg/copy.bin && sha256sum pkg/copy.bin > sum.txt")
        assert sess.read_file("pkg/copy.bin") == blob
        assert sess.read_file("hello.txt").decode() == "héllo\n"
        out = tmp_path / "out"
        sess.copy_out("pkg", out)
    assert (out / "pkg" / "copy.bin").read_bytes() == blob


def test_output_is_capped_with_a_marker(docker_sandbox):
    result = docker_sandbox.run(
        ["python3", "-c", "print('x' * (3 << 20))"], limits=Limits(output_cap=1 << 20)
    )
    assert len(result.stdout) < (1 << 20) + 200
    assert "output truncated" in result.stdout


def test_container_removed_after_an_error_inside_the_block(docker_sandbox):
    from tests.containers import own_containers

    with pytest.raises(RuntimeError):
        with docker_sandbox.session() as sess:
            assert len(own_containers()) == 1
            raise RuntimeError("test failure inside a session")
    assert own_containers() == []
    with pytest.raises(SandboxError):
        sess.exec("true")


def test_check_reports_isolation_found_inside(docker_sandbox):
    report = docker_sandbox.check()
    assert report["answers"] and report["isolated"] and report["probe_exit_code"] == 0
    isolation = report["isolation"]
    assert isolation["network"]["found"].startswith("interfaces lo ")
    assert "CapEff 0000000000000000" in isolation["capabilities"]["found"]
    assert isolation["user"]["found"] == "uid 1000 gid 1000"
    assert isolation["pids_limit"]["found"] == "256 inside, 256 in the engine"


def test_check_fails_the_network_when_it_is_on(docker_sandbox):
    report = docker_sandbox.check(Limits(timeout=30, network="host", pids=100))
    assert not report["isolated"] and not report["isolation"]["network"]["ok"]
    assert (
        "eth" in report["isolation"]["network"]["found"] or "host" in report["isolation"]["network"]["found"]
    )
    assert report["isolation"]["pids_limit"] == {"found": "100 inside, 100 in the engine", "ok": True}
    assert all(item["ok"] for name, item in report["isolation"].items() if name != "network")
