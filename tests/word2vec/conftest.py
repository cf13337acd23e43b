"""Fixtures for the Word2Vec tests."""

from __future__ import annotations

import pytest
from planted_structure import planted_corpus


@pytest.fixture(scope="session")
def planted() -> list[list[str]]:
    """Sentences whose words all come from group A or all from group B."""
    return planted_corpus()
