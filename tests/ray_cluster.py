"""A multi-node Ray cluster on this machine for the tests, kept on loopback, and checks about it."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

LOOPBACK = re.compile(r"^(127\.\d+\.\d+\.\d+|\[::1\]|\[::ffff:127\.\d+\.\d+\.\d+\]):\d+$")
NODE = {"num_cpus": 1, "node_ip_address": "127.0.0.1", "object_store_memory": 80 << 20, "memory": 3 << 30}


def start_cluster(nodes: int = 2):
    """`ray.cluster_utils.Cluster` with `nodes` nodes of one CPU each, every one bound to 127.0.0.1."""
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = (
        "0"  # else Ray rewrites 127.0.0.1 to the outward address
    )
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={**NODE, "include_dashboard": False})
    for _ in range(nodes - 1):
        cluster.add_node(**NODE)
    cluster.wait_for_nodes()
    return cluster


def add_node(cluster):
    node = cluster.add_node(**NODE)
    cluster.wait_for_nodes()
    return node


def descendants(pid: int) -> set[int]:
    """Every process started (directly or not) by `pid`."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def non_loopback_listeners(pids: set[int]) -> list[str]:
    """`ss -tlnp` lines of sockets that `pids` listen on at an address other than loopback."""
    out = subprocess.run(["ss", "-Htlnp"], capture_output=True, text=True, check=True).stdout
    bad = []
    for line in out.splitlines():
        owners = {int(p) for p in re.findall(r"pid=(\d+)", line)}
        local = line.split()[3]
        if owners & pids and not LOOPBACK.match(local):
            bad.append(line)
    return bad
