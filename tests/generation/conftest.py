"""Fixtures of the generation tests (defined in ``lm_helpers``)."""

from lm_helpers import _one_thread, trained  # noqa: F401  (fixtures)
