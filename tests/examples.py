"""The shipped example repositories (examples/) as test inputs: writable copies, so no test writes into examples/."""

from __future__ import annotations

import shutil
from pathlib import Path

from repowright.analyzers.graph import KnowledgeGraph
from repowright.analyzers.knowledge_graph import build_knowledge_graph

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
MINICART_ISSUE = EXAMPLES / "minicart-issue.md"


def copy_example(name: str, parent: Path) -> Path:
    """A copy of examples/`name` at `parent`/`name`, without any graph cache the checkout holds."""
    root = parent / name
    shutil.copytree(EXAMPLES / name, root, ignore=shutil.ignore_patterns(".repowright"))
    return root


def minicart_graph(parent: Path) -> KnowledgeGraph:
    """The knowledge graph of a fresh copy of the minicart example, built under `parent`."""
    return build_knowledge_graph(copy_example("minicart", parent), workers=1)
