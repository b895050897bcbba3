"""Run untrusted commands in isolation: Docker by default, a loudly-unsafe local fallback on request."""

from collections.abc import Mapping

from .base import ExecResult, Limits, Mount, Sandbox, Session
from .errors import CopyError, CopyLimitError, EngineError, ImageError, LimitError, SandboxError, SessionError
from .image import base_image_tag, toolchain_mounts


def close_live_sessions() -> None:
    """Remove the containers of every sandbox session still open in this process (an interrupted run's)."""
    import sys

    module = sys.modules.get(f"{__name__}.docker_session")
    if module is not None:  # no Docker session can be open if the module was never imported
        module.close_live_sessions()


def make_sandbox(
    backend: str = "docker", *, image: str | None = None, labels: Mapping[str, str] | None = None
) -> Sandbox:
    """The sandbox for `backend` ("docker" or "local"); `labels` mark its containers (docker only)."""
    if backend == "docker":
        from .docker_sandbox import DockerSandbox

        return DockerSandbox(image=image, labels=labels)
    if backend == "local":
        from .local import LocalSandbox

        return LocalSandbox()
    raise SandboxError(f"unknown sandbox backend {backend!r}: choose docker or local")


__all__ = [
    "CopyError",
    "CopyLimitError",
    "EngineError",
    "ImageError",
    "SessionError",
    "ExecResult",
    "LimitError",
    "Limits",
    "Mount",
    "Sandbox",
    "SandboxError",
    "Session",
    "base_image_tag",
    "close_live_sessions",
    "make_sandbox",
    "toolchain_mounts",
]
