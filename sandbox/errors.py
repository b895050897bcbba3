"""The sandbox's named errors; the CLI prints each as one line. Catch `SandboxError` for any of them."""


class SandboxError(RuntimeError):
    """The sandbox itself failed (engine unreachable, image missing, copy failed); not the command."""


class EngineError(SandboxError):
    """The container engine does not answer, or refuses to create a container."""


class ImageError(SandboxError):
    """The sandbox image is not on the engine."""


class SessionError(SandboxError):
    """A session's container stopped or was closed; start a new session."""


class CopyError(SandboxError):
    """Copying files into or out of the sandbox failed."""


class CopyLimitError(CopyError):
    """A copy into or out of the sandbox would pass its size limit."""


class LimitError(SandboxError, ValueError):
    """A limit that is not a finite positive value within what the machine has."""
