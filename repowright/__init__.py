"""repowright: understand whole code repositories and act on them.

Every part imports as `repowright.<folder>`: agent, analyzers, sandbox, evals, prompts (see DESIGN.md).
"""


def __getattr__(name: str) -> str:
    """`__version__`, read from the installed metadata only when asked (importlib.metadata costs ~0.1 s)."""
    if name != "__version__":
        raise AttributeError(f"module 'repowright' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("repowright")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0.0.0+source"
