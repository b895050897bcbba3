"""Who owns a sandbox container: labels naming the process, and whether that process still lives.

`sandbox clean` removes only containers whose owner is gone. A pid alone is not enough (pids are
reused, and a reboot resets them), so the labels also hold the boot id, the process's start time in
clock ticks since boot, and the host name; a container from another host is never judged.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

PID, BOOT, START, HOST = "repowright.pid", "repowright.boot", "repowright.start", "repowright.host"


def boot_id() -> str:
    """This boot of this machine (changes on reboot)."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def start_ticks(pid: int) -> str | None:
    """When process `pid` started, in clock ticks since boot; None when there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]  # field 22; the command name may hold spaces and ')'


def owner_labels(pid: int | None = None) -> dict[str, str]:
    """Labels that identify the calling process (or `pid`) as a container's owner."""
    pid = os.getpid() if pid is None else pid
    return {PID: str(pid), BOOT: boot_id(), START: start_ticks(pid) or "", HOST: socket.gethostname()}


def owner_alive(labels: dict[str, str]) -> bool:
    """Whether the process that created a container may still be running (unknown counts as alive)."""
    if labels.get(HOST, socket.gethostname()) != socket.gethostname():
        return True  # another machine's container: its owner cannot be seen from here
    if labels.get(BOOT) and labels[BOOT] != boot_id():
        return False  # created before this machine last booted
    try:
        pid = int(labels.get(PID, ""))
    except ValueError:
        return True
    started = start_ticks(pid)
    if started is None:
        return False
    return not labels.get(START) or labels[START] == started  # a reused pid has another start time
