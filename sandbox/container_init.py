"""PID 1 of a sandbox container: reaps orphans, and ends the container when the client that owns it is gone.

The container's stdin is attached to the owning client's connection to the engine (`docker run -i`
semantics: StdinOnce), so when that process dies for any reason (SIGKILL, SIGHUP, a crash) the engine
closes stdin, PID 1 reads end-of-file and exits, the kernel kills everything else in the container, and
the engine removes it (AutoRemove). A dead client cannot leave a running container behind.
"""

from __future__ import annotations

import os
import sys

# On the host interpreter (mounted read-only). Runs as root without capabilities; commands run as the
# sandbox user, so they can neither signal it nor stop it from ending the container.
REAPER = (
    "import os, select, signal\n"
    "wake_r, wake_w = os.pipe()\n"
    "os.set_blocking(wake_w, False)\n"
    "signal.set_wakeup_fd(wake_w)\n"
    "signal.signal(signal.SIGCHLD, lambda *_: None)\n"
    "while True:\n"
    "    ready = select.select([0, wake_r], [], [])[0]\n"
    "    if 0 in ready and not os.read(0, 65536):\n"
    "        os._exit(0)\n"
    "    if wake_r in ready:\n"
    "        os.read(wake_r, 4096)\n"
    "    try:\n"
    "        while os.waitpid(-1, os.WNOHANG)[0] > 0:\n"
    "            pass\n"
    "    except ChildProcessError:\n"
    "        pass\n"
)
# For images without the host toolchain (registry images): a shell that exits at end of input.
SHELL_WATCH = "while read -r _; do :; done; exit 0"


def init_command(toolchains: bool) -> list[str]:
    """The container's main process: the reaper on the host interpreter, or the shell watcher."""
    if toolchains:
        return [os.path.realpath(sys.base_prefix) + "/bin/python3", "-c", REAPER]
    return ["/bin/sh", "-c", SHELL_WATCH]
