"""Fork server, run inside the sandbox with the target library's interpreter: import once, fork per input.

Standalone on purpose (it is copied into the sandbox and imports nothing of repowright). `--serve DIR` reads
DIR/config.json {"preload", "timeout", "memory_bytes"}, runs the preload once, writes DIR/ready, then serves
request files DIR/req-N.jsonl (one {"id", "code"} per line) in order: for each input a child process runs the
code, and one JSON line per input goes to DIR/res-N.part, renamed to DIR/res-N.jsonl when the batch is done.
So a child that segfaults, aborts, raises SIGFPE/SIGBUS or hangs is recorded and the next input runs, and the
library is imported once per container, not once per batch.
"""

import json
import os
import resource
import select
import signal
import sys
import time
import traceback

ERR_FILE = "/tmp/repowright-child-stderr"
TAIL = 2000


def run_child(code, write_fd, memory_bytes):
    """In the child: limit memory, silence stdout, send stderr to a file, run the code, report how it ended."""
    try:
        if memory_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        err = os.open(ERR_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(err, 2)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        report = {"status": "ok"}
        try:
            exec(compile(code, "<fuzz-input>", "exec"), {"__name__": "__main__"})
        except BaseException as exc:  # every exception is a result here, including SystemExit and MemoryError
            frames = traceback.extract_tb(exc.__traceback__)
            report = {"status": "exception", "exc_type": type(exc).__name__,
                      "message": str(exc)[:TAIL], "where": frames[-1].name if frames else ""}
        os.write(write_fd, json.dumps(report, default=str).encode())
    finally:
        os._exit(0)


def run_one(case, config):
    """Fork, wait up to the timeout, and describe the child's end."""
    read_fd, write_fd = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        run_child(case["code"], write_fd, config.get("memory_bytes"))
    os.close(write_fd)
    deadline = started + float(config.get("timeout", 10))
    chunks, timed_out = [], False
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([read_fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(read_fd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    os.close(read_fd)
    result = {"id": case["id"], "seconds": round(time.monotonic() - started, 4)}
    if timed_out:
        result["status"] = "timeout"
    elif os.WIFSIGNALED(status):
        result.update(status="signal", signal=os.WTERMSIG(status))
    elif chunks:
        try:
            result.update(json.loads(b"".join(chunks)))
        except ValueError:
            result.update(status="exit", exit_code=os.WEXITSTATUS(status))
    else:
        result.update(status="exit", exit_code=os.WEXITSTATUS(status))
    if result["status"] in ("signal", "timeout", "exit"):
        result["stderr"] = _tail(ERR_FILE)
    return result


def _tail(path):
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - TAIL))
            return handle.read().decode("utf-8", "replace")
    except OSError:
        return ""


def serve(directory):
    """Serve request files until DIR/stop appears."""
    with open(os.path.join(directory, "config.json")) as handle:
        config = json.load(handle)
    exec(compile(config.get("preload", ""), "<preload>", "exec"), {"__name__": "__preload__"})
    open(os.path.join(directory, "ready"), "w").close()
    number = 0
    while True:
        request = os.path.join(directory, f"req-{number}.jsonl")
        if not os.path.exists(request):
            if os.path.exists(os.path.join(directory, "stop")):
                return
            time.sleep(0.005)
            continue
        part = os.path.join(directory, f"res-{number}.part")
        with open(request) as lines, open(part, "w") as out:
            for line in lines:
                if line.strip():
                    out.write(json.dumps(run_one(json.loads(line), config), default=str) + "\n")
                    out.flush()
        os.rename(part, os.path.join(directory, f"res-{number}.jsonl"))
        os.unlink(request)
        number += 1


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        serve(sys.argv[2])
    else:
        sys.exit("usage: forkserver.py --serve DIR")


if __name__ == "__main__":
    main()
