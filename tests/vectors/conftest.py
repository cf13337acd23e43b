"""Fixtures: small vectors with planted structure, and a random control with the same words."""

from __future__ import annotations

import pytest

from lexiloom.vectors import KeyedVectors

from .planted import planted_vectors, random_vectors


@pytest.fixture
def planted() -> KeyedVectors:
    return planted_vectors()


@pytest.fixture
def control() -> KeyedVectors:
    return random_vectors()
