"""Validation of sandbox limits: every limit is a finite, positive value this machine can honour.

Docker reads 0 (and for pids -1) as "no limit", so a limit that is not checked here can silently remove
isolation; each bad value is refused with one line that says what was given and what is accepted.
"""

from __future__ import annotations

import math
import os
import re

from .errors import LimitError

MIN_MEMORY = 6 << 20  # Docker refuses less than 6 MiB
MAX_TIMEOUT = 7 * 24 * 3600.0
MIN_PIDS = 8
MAX_PIDS = 4_194_304  # the kernel's pid_max ceiling
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def host_memory() -> int:
    """Physical memory of this machine in bytes."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def human_bytes(size: float) -> str:
    """A size such as 512m or 2.5g (Docker's own notation)."""
    for unit, factor in (("t", 1 << 40), ("g", 1 << 30), ("m", 1 << 20), ("k", 1 << 10)):
        if size >= factor:
            return f"{size / factor:.3g}{unit}"
    return f"{int(size)}b"


def parse_size(text: str | int) -> int:
    """Bytes in a Docker-style size ("512m", "2g", "1048576"); LimitError when it is not one."""
    match = _SIZE.match(str(text))
    if not match:
        raise LimitError(f"{text!r} is not a size; give one such as 512m or 2g")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def check_memory(memory: str) -> int:
    """The memory limit in bytes, between Docker's minimum and this machine's memory."""
    try:
        size = parse_size(memory)
    except LimitError as exc:
        raise LimitError(f"sandbox memory limit {exc}") from None
    most = host_memory()
    if not MIN_MEMORY <= size <= most:
        raise LimitError(
            f"sandbox memory limit {memory!r} is out of range: give 6m to {human_bytes(most)} "
            "(this machine's memory); 0 does not mean unlimited"
        )
    return size


def check_number(name: str, value: object, low: float, high: float, what: str) -> float:
    """`value` as a finite number in (low, high]; LimitError naming the limit otherwise."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise LimitError(f"sandbox {name} {value!r} is not a number; give {what}") from None
    if not math.isfinite(number) or not low < number <= high:
        raise LimitError(f"sandbox {name} {value!r} is out of range: give {what}; 0 does not mean unlimited")
    return number


def validate(timeout: float, memory: str, cpus: float, pids: int, output_cap: int) -> None:
    """Raise LimitError for the first limit that is not finite, positive and within this machine."""
    check_number("timeout", timeout, 0, MAX_TIMEOUT, f"seconds above 0, at most {MAX_TIMEOUT:.0f} (7 days)")
    check_memory(memory)
    ncpu = os.cpu_count() or 1
    check_number("cpus", cpus, 0.009, ncpu, f"0.01 to {ncpu} (the cores of this machine)")
    if isinstance(pids, bool) or not isinstance(pids, int):
        raise LimitError(f"sandbox pids limit {pids!r} is not a whole number; give {MIN_PIDS} to {MAX_PIDS}")
    check_number("pids limit", pids, MIN_PIDS - 1, MAX_PIDS, f"{MIN_PIDS} to {MAX_PIDS}")
    check_number("output cap", output_cap, 0, 1 << 40, "a positive number of bytes")


def tmpfs_sizes(memory: str, ceiling: str) -> dict[str, int]:
    """Sizes of the writable tmpfs mounts: together at most 7/8 of the memory limit they are charged to.

    tmpfs pages count against the container's memory, so a work dir as large as the memory limit lets one
    `dd` leave no memory to start the next command (every later exec failed with 126); sized below it, a
    full work dir is a plain "No space left on device" and the session stays usable.
    """
    mem, cap = parse_size(memory), parse_size(ceiling)
    return {"/work": min(cap, mem // 2), "/tmp": min(cap, mem // 4), "/home/sandbox": min(cap, mem // 8)}
