"""Fixtures shared by the agent's tests."""

from __future__ import annotations

import pytest

from repowright.analyzers.graph import KnowledgeGraph
from tests.examples import minicart_graph


@pytest.fixture(scope="module")
def minicart(tmp_path_factory) -> KnowledgeGraph:
    """The knowledge graph of a copy of the minicart example, built once per module."""
    return minicart_graph(tmp_path_factory.mktemp("ex"))
