"""Fork server, run inside the sandbox with the target library's interpreter: import once, fork per batch.

Standalone on purpose (it is copied into the sandbox and imports nothing of repowright). `--serve DIR` reads
DIR/config.json {"preload", "timeout", "memory_bytes"}, runs the preload once, writes DIR/ready, then serves
request files DIR/req-N.jsonl (one {"id", "code"[, "timeout", "twice"]} per line) in order, writing one JSON line per input to
DIR/res-N.part, renamed to DIR/res-N.jsonl when the batch is done.

Crash isolation without a fork per input: a forked worker runs the batch's inputs one after another and sends one
result line per input. When it dies (a segfault, an abort, SIGFPE/SIGBUS, `os._exit`) or an input overruns the
time limit (the worker is killed), the input it was running is recorded with that end, and a fresh worker, forked
again from the clean preloaded server, runs the rest of the batch. So one crash costs one fork, and the library
is imported once per container.
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


def run_input(code, twice=False):
    """Run one input in the worker; every exception is a result here, SystemExit and MemoryError included.
    With `twice`, an input that succeeds runs again and the two `result`s must agree (the input seeds its own
    randomness, so a difference means the call read memory it does not own, or kept state it should not)."""
    started = time.monotonic()
    report = {"status": "ok"}
    try:
        scope = {"__name__": "__main__"}
        exec(compile(code, "<fuzz-input>", "exec"), scope)
        if twice and "result" in scope:
            again = {"__name__": "__main__"}
            exec(compile(code, "<fuzz-input>", "exec"), again)
            if not same(scope["result"], again.get("result")):
                report = {
                    "status": "mismatch",
                    "message": f"{summary(scope['result'])} then {summary(again.get('result'))}",
                }
    except BaseException as exc:
        frames = traceback.extract_tb(exc.__traceback__)
        report = {
            "status": "exception",
            "exc_type": type(exc).__name__,
            "message": str(exc)[:TAIL],
            "where": frames[-1].name if frames else "",
        }
    report["seconds"] = round(time.monotonic() - started, 4)
    return report


def same(a, b):
    """Whether two results are identical (NaN equals NaN); anything it cannot compare counts as the same."""
    try:
        if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
            return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=False))
        torch = sys.modules.get("torch")
        if torch is not None and isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor):
            if (
                a.device.type == "meta"
                or a.layout != torch.strided
                or a.shape != b.shape
                or a.dtype != b.dtype
            ):
                return a.shape == b.shape and a.dtype == b.dtype
            if a.is_floating_point() or a.is_complex():
                return bool(((a == b) | (torch.isnan(a) & torch.isnan(b))).all())
            return bool(torch.equal(a, b))
        if isinstance(a, float) and isinstance(b, float):
            return a == b or (a != a and b != b)
        if isinstance(a, (int, float, complex, str, bool, type(None))):
            return bool(a == b)
        return True
    except Exception:  # noqa: BLE001 - a result we cannot compare is no evidence of a bug
        return True


def summary(value):
    """A short description of a result for the report."""
    text = repr(value)
    return text if len(text) < 120 else text[:117] + "..."


def worker(cases, write_fd, memory_bytes):
    """In the forked worker: limit memory, silence stdout, run each input, one JSON line per input."""
    try:
        if memory_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        err = os.open(ERR_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(err, 2)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        for case in cases:
            os.ftruncate(2, 0)  # the stderr tail of a crash belongs to the input that crashed
            os.lseek(2, 0, os.SEEK_SET)
            os.write(write_fd, b"S" + case["id"].encode() + b"\n")  # started: a death now is this input's
            report = run_input(case["code"], bool(case.get("twice")))
            line = json.dumps(report, default=str).replace("\n", " ")
            os.write(write_fd, b"R" + line.encode() + b"\n")
    finally:
        os._exit(0)


def run_batch(cases, config, emit):
    """Run `cases` in as few forked workers as crashes allow; `emit(result)` for each, in order."""
    pending = list(cases)
    while pending:
        done = _run_in_worker(pending, config, emit)
        pending = pending[done:]


def _run_in_worker(cases, config, emit):
    """Fork one worker for `cases`; return how many inputs ended (the last one perhaps by crash or timeout)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        worker(cases, write_fd, config.get("memory_bytes"))
    os.close(write_fd)
    default = float(config.get("timeout", 10))
    timeout = default
    buffer, ended, current, started = b"", 0, None, time.monotonic()
    dead = timed_out = False
    while ended < len(cases):
        remaining = started + timeout - time.monotonic()
        if current is not None and remaining <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([read_fd], [], [], max(remaining, 0) if current is not None else timeout)
        if not ready:
            continue
        chunk = os.read(read_fd, 65536)
        if not chunk:
            dead = True
            break
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            if line[:1] == b"S":
                current, started = line[1:].decode(), time.monotonic()
                timeout = float(cases[ended].get("timeout") or default)  # a batch may ask for a shorter limit
            elif line[:1] == b"R":
                result = {"id": cases[ended]["id"]}
                try:
                    result.update(json.loads(line[1:]))
                except ValueError:
                    result.update(status="exit", exit_code=-1)
                emit(result)
                ended, current = ended + 1, None
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    os.close(read_fd)
    if (dead or timed_out) and ended < len(cases):
        result = {"id": cases[ended]["id"], "seconds": round(time.monotonic() - started, 4)}
        if timed_out:
            result["status"] = "timeout"
        elif os.WIFSIGNALED(status):
            result.update(status="signal", signal=os.WTERMSIG(status))
        else:
            result.update(status="exit", exit_code=os.WEXITSTATUS(status))
        result["stderr"] = _tail(ERR_FILE)
        emit(result)
        ended += 1
    return ended


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
        with open(request) as lines:
            cases = [json.loads(line) for line in lines if line.strip()]
        with open(part, "w") as out:

            def emit(result):
                out.write(json.dumps(result, default=str) + "\n")
                out.flush()

            run_batch(cases, config, emit)
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
