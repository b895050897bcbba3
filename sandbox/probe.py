"""What isolation a container really has: its engine configuration and what a process inside observes.

`sandbox check` reports these findings, not the settings it asked for, so a configuration that turned
the network on (or an engine that ignored a limit) shows up as a failed check.
"""

from __future__ import annotations

# Runs as the sandbox user; each line is key=value.
PROBE_SCRIPT = r"""
echo "uid=$(id -u) gid=$(id -g)"
grep -E '^(CapEff|CapBnd|NoNewPrivs):' /proc/self/status | tr -d ' \t' | sed 's/:/=/'
echo "interfaces=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | paste -sd, -)"
if touch /.repowright-probe 2>/dev/null; then echo root=writable; else echo root=read-only; fi
echo "pids_max=$(cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max 2>/dev/null)"
"""


def parse_probe(text: str) -> dict[str, str]:
    """The key=value findings printed by PROBE_SCRIPT."""
    found: dict[str, str] = {}
    for line in text.split():
        key, sep, value = line.partition("=")
        if sep:
            found[key] = value
    return found


def _finding(found: str, ok: bool) -> dict:
    return {"found": found, "ok": ok}


def assess(host_config: dict, probe: dict[str, str]) -> dict[str, dict]:
    """Each isolation property with what was found and whether it holds."""
    interfaces = [name for name in probe.get("interfaces", "").split(",") if name]
    network_mode = host_config.get("NetworkMode", "")
    cap_drop = [c.upper() for c in host_config.get("CapDrop") or []]
    caps = {k: probe.get(k, "?") for k in ("CapEff", "CapBnd")}
    pids_engine = host_config.get("PidsLimit") or 0
    pids_inside = probe.get("pids_max", "")
    return {
        "network": _finding(
            f"interfaces {','.join(interfaces) or '?'} (engine network mode {network_mode})",
            interfaces == ["lo"] and network_mode == "none",
        ),
        "capabilities": _finding(
            f"CapEff {caps['CapEff']}, CapBnd {caps['CapBnd']}, CapDrop {cap_drop}",
            set(caps.values()) == {"0000000000000000"}
            and "ALL" in cap_drop
            and not host_config.get("Privileged"),
        ),
        "no_new_privileges": _finding(
            f"NoNewPrivs {probe.get('NoNewPrivs', '?')}", probe.get("NoNewPrivs") == "1"
        ),
        "user": _finding(
            f"uid {probe.get('uid', '?')} gid {probe.get('gid', '?')}", probe.get("uid", "0") not in ("0", "")
        ),
        "read_only_root": _finding(
            f"root file system {probe.get('root', '?')}",
            probe.get("root") == "read-only" and bool(host_config.get("ReadonlyRootfs")),
        ),
        "pids_limit": _finding(
            f"{pids_inside or '?'} inside, {pids_engine} in the engine",
            pids_engine > 0 and pids_inside == str(pids_engine),
        ),
        "memory_limit": _finding(
            f"{host_config.get('Memory') or 0} bytes", (host_config.get("Memory") or 0) > 0
        ),
        "cpu_limit": _finding(
            f"{(host_config.get('NanoCpus') or 0) / 1e9:g} cores", (host_config.get("NanoCpus") or 0) > 0
        ),
    }
