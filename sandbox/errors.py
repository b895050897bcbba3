"""The sandbox's named errors; the CLI prints each as one line."""


class SandboxError(RuntimeError):
    """The sandbox itself failed (engine unreachable, image missing, copy failed); not the command."""


class CopyLimitError(SandboxError):
    """A copy into or out of the sandbox would pass its size limit."""


class LimitError(SandboxError, ValueError):
    """A limit that is not a finite positive value within what the machine has."""
