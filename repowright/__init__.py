"""repowright: understand whole code repositories and act on them.

Every part imports as `repowright.<folder>`: agent, analyzers, sandbox, evals, prompts (see DESIGN.md).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("repowright")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0.0.0+source"
