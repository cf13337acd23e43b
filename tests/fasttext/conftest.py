"""Fixtures for the fastText tests."""

from __future__ import annotations

import pytest
from morphology import morphology_corpus


@pytest.fixture(scope="session")
def corpus() -> list[list[str]]:
    """Two groups of inflected words (see ``morphology.py``)."""
    return morphology_corpus()
