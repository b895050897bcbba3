"""repowright: understand whole code repositories and act on them.

Every part imports as `repowright.<folder>`: agent, analyzers, sandbox, evals, prompts (see DESIGN.md).
"""


def __getattr__(name: str) -> str:
    """`__version__`, read from the installed metadata on first use (importlib.metadata is slow to import, and
    every command, `--help` included, imports this package)."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("repowright")
    except PackageNotFoundError:  # a source tree that was never installed
        value = "0.0.0+source"
    globals()["__version__"] = value
    return value
