"""Copying into and out of a sandbox: sizes checked before a copy starts and bounded while it streams.

Nothing is held whole in host memory: archives going in are written straight into the sandbox's input,
archives coming out go to a spooled temporary file, and either direction stops with CopyLimitError once
it passes its limit (a sparse 50 GB file inside the sandbox must not become 50 GB of host memory).
"""

from __future__ import annotations

import io
import os
import tarfile
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from .errors import CopyError, CopyLimitError
from .limits import human_bytes

DEFAULT_EXCLUDES = (".venv", ".repowright", "__pycache__", "node_modules", ".mypy_cache", ".pytest_cache")
SANDBOX_OWNER = 1000
READ_LIMIT = 64 << 20  # one file read into host memory (session.read_file)
COPY_OUT_LIMIT = 1 << 30  # a tree copied out to a host folder (session.copy_out)
SPOOL_BYTES = 8 << 20  # archives larger than this spill from memory to a temporary file


class LimitedSink:
    """A writable that forwards to `target` and raises CopyLimitError past `limit` bytes."""

    def __init__(self, target: BinaryIO, limit: int, what: str) -> None:
        self.target, self.limit, self.what, self.written = target, limit, what, 0

    def write(self, chunk: bytes) -> None:
        self.written += len(chunk)
        if self.written > self.limit:
            raise CopyLimitError(
                f"{self.what} is larger than the {human_bytes(self.limit)} limit; "
                "copy a smaller file or compress it inside the sandbox first"
            )
        self.target.write(chunk)


def spool() -> BinaryIO:
    """A temporary file that stays in memory while small."""
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # type: ignore[return-value]


def _keep_filter(excludes: Iterable[str]):
    skip = set(excludes)

    def keep(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
        if any(part in skip for part in PurePosixPath(info.name).parts):
            return None
        info.uid = info.gid = SANDBOX_OWNER  # the sandbox user must be able to write its work dir
        info.uname = info.gname = "sandbox"
        return info

    return keep


def directory_size(src: Path, excludes: Iterable[str] = DEFAULT_EXCLUDES) -> tuple[int, Path | None]:
    """Total bytes of the regular files that a copy of `src` would carry, and the largest one."""
    skip, total, largest, largest_size = set(excludes), 0, None, -1
    for root, dirs, files in os.walk(src):
        dirs[:] = [d for d in dirs if d not in skip]
        for name in files:
            path = Path(root, name)
            if name in skip or path.is_symlink():
                continue
            size = path.stat().st_size if path.is_file() else 0
            total += size
            if size > largest_size:
                largest, largest_size = path, size
    return total, largest


def check_copy_in(src: Path, limit: int, excludes: Iterable[str] = DEFAULT_EXCLUDES) -> None:
    """CopyLimitError when the files of `src` would not fit in the sandbox's work dir."""
    total, largest = directory_size(src, excludes)
    if total > limit:
        biggest = f"; the largest is {largest} ({human_bytes(largest.stat().st_size)})" if largest else ""
        raise CopyLimitError(
            f"{src} holds {human_bytes(total)} of files, more than the sandbox work dir's "
            f"{human_bytes(limit)}{biggest}; exclude large files or raise --memory"
        )


def write_tar_directory(
    src: Path, out: BinaryIO, arcname: str = ".", excludes: Iterable[str] = DEFAULT_EXCLUDES
) -> None:
    """Stream a tar of `src` (without excluded names, owned by the sandbox user) into `out`."""
    with tarfile.open(fileobj=out, mode="w|") as tar:
        tar.add(str(src), arcname=arcname, filter=_keep_filter(excludes))


def tar_directory(src: Path, arcname: str = ".", excludes: Iterable[str] = DEFAULT_EXCLUDES) -> bytes:
    """A tar archive of `src` in memory (small trees only; sessions stream with write_tar_directory)."""
    buf = io.BytesIO()
    write_tar_directory(src, buf, arcname, excludes)
    return buf.getvalue()


def tar_files(files: Mapping[str, bytes | str]) -> bytes:
    """A tar archive holding the given relative paths and contents."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, content in files.items():
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(name.lstrip("/"))
            info.size = len(data)
            info.mode = 0o755 if data.startswith(b"#!") else 0o644
            info.uid = info.gid = SANDBOX_OWNER
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def safe_extract(archive: bytes | BinaryIO, dest: Path) -> list[Path]:
    """Extract an archive that came out of a sandbox, refusing links and paths that escape `dest`."""
    dest = dest.resolve()
    written: list[Path] = []
    fileobj = io.BytesIO(archive) if isinstance(archive, bytes | bytearray) else archive
    with tarfile.open(fileobj=fileobj) as tar:
        for member in tar.getmembers():
            target = (dest / member.name).resolve()
            if target != dest and dest not in target.parents:
                raise CopyError(f"refusing to extract {member.name!r}: it points outside {dest}")
            if member.issym() or member.islnk() or member.isdev():
                continue
            tar.extract(member, dest, filter="data")
            written.append(target)
    return written


def first_file(archive: BinaryIO, path: str, limit: int) -> bytes:
    """The bytes of the first regular file in a tar archive, refusing one larger than `limit`."""
    with tarfile.open(fileobj=archive) as tar:
        for member in tar:
            if member.isfile():
                if member.size > limit:
                    raise CopyLimitError(
                        f"{path} in the sandbox is {human_bytes(member.size)}, more than the "
                        f"{human_bytes(limit)} limit for reading a file"
                    )
                extracted = tar.extractfile(member)
                assert extracted is not None
                return extracted.read()
    raise CopyError(f"{path} is not a regular file in the sandbox")
