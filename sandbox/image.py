"""Offline sandbox images: a skeleton rootfs made with `docker import`, host toolchains mounted read-only.

No registry is needed: the image holds only directories, a passwd file and the usr-merge links;
/usr, the Python interpreters and the Rust toolchain come from the host, read-only.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
import tarfile
from pathlib import Path

from .base import Mount

SANDBOX_UID = 1000
IMAGE_REPO = "repowright/base"
_DIRS = ("tmp", "work", "home/sandbox", "root", "proc", "dev", "sys", "etc", "usr", "run", "opt", "var/tmp")
_LINKS = {"bin": "usr/bin", "lib": "usr/lib", "lib64": "usr/lib64", "sbin": "usr/sbin"}
_ETC = {
    "etc/passwd": f"root:x:0:0:root:/root:/bin/sh\nsandbox:x:{SANDBOX_UID}:{SANDBOX_UID}::/home/sandbox:/bin/sh\n",
    "etc/group": f"root:x:0:\nsandbox:x:{SANDBOX_UID}:\n",
    "etc/hosts": "127.0.0.1 localhost\n::1 localhost\n",
    "etc/nsswitch.conf": "passwd: files\ngroup: files\nhosts: files\n",
}
# Host paths shown read-only inside, when they exist: the system toolchain, interpreters, Rust.
HOST_TOOLCHAIN_PATHS = (
    "/usr",
    "/etc/alternatives",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/ssl",
    "/root/.pyenv",
    "/root/.cargo",
    "/root/.rustup",
)


def rootfs_tar() -> bytes:
    """The skeleton root file system as a tar archive (deterministic bytes)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for d in _DIRS:
            info = tarfile.TarInfo(d)
            info.type = tarfile.DIRTYPE
            info.mode = 0o1777 if d in ("tmp", "var/tmp") else 0o755
            if d == "home/sandbox":
                info.uid = info.gid = SANDBOX_UID
            tar.addfile(info)
        for name, target in _LINKS.items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tar.addfile(info)
        for name, text in _ETC.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def base_image_tag() -> str:
    """The tag of the offline base image; it changes when the skeleton changes."""
    return f"{IMAGE_REPO}:{hashlib.sha256(rootfs_tar()).hexdigest()[:12]}"


def ensure_base_image(client) -> str:  # client: docker.DockerClient
    """Import the skeleton image unless it is already there; return its tag."""
    import docker.errors

    tag = base_image_tag()
    try:
        client.images.get(tag)
    except docker.errors.ImageNotFound:
        repo, version = tag.split(":")
        client.api.import_image_from_data(rootfs_tar(), repository=repo, tag=version)
    return tag


def toolchain_mounts() -> list[Mount]:
    """Read-only mounts of the host toolchains that exist on this machine (symlinks resolved)."""
    mounts: list[Mount] = []
    for path in HOST_TOOLCHAIN_PATHS:
        if os.path.exists(path):
            mounts.append(Mount(os.path.realpath(path), path))
    prefix = os.path.realpath(sys.base_prefix)
    if not any(prefix == m.target or prefix.startswith(m.target + "/") for m in mounts):
        mounts.append(Mount(prefix, prefix))
    return mounts


def sandbox_path() -> str:
    """PATH inside the sandbox: the host interpreter first, then Rust, then the system."""
    python_bin = str(Path(os.path.realpath(sys.base_prefix)) / "bin")
    return ":".join([python_bin, "/root/.cargo/bin", "/usr/local/bin", "/usr/bin", "/bin"])


def sandbox_env() -> dict[str, str]:
    """The default environment of a sandboxed command."""
    return {
        "PATH": sandbox_path(),
        "HOME": "/home/sandbox",
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "RUSTUP_HOME": "/root/.rustup",
        "CARGO_HOME": "/home/sandbox/.cargo",
        "TMPDIR": "/tmp",
    }
