"""The plugin conformance kit: check that a component honours its contract in
:mod:`lexiloom.protocols`, from a plugin's own test suite.

Example (in a plugin's tests)::

    from lexiloom.testing import check_encoder, check_tokenizer

    def test_my_tokenizer_conforms():
        check_tokenizer("mytok", lowercase=True)      # a registered name, or the factory

    def test_my_encoder_conforms():
        check_encoder(make_my_encoder, hidden_size=8)

Each ``check_*`` builds the component with the given settings, runs every check on small fixed
inputs and raises :class:`ConformanceError` (an ``AssertionError``) listing each
:class:`Fault` as ``"<check>: <message>"``. Keyword-only options: ``skip=("determinism",)``
leaves checks out; ``atol=`` (tensor checks) sets the float tolerance, default 1e-5.

Importing this package imports neither torch nor spaCy; the checks import torch when they run.
"""

from __future__ import annotations

from lexiloom.testing.embedders import check_embedder
from lexiloom.testing.encoders import check_encoder
from lexiloom.testing.faults import CHECKS, ConformanceError, Fault
from lexiloom.testing.heads import check_head
from lexiloom.testing.readers import check_corpus_reader
from lexiloom.testing.tensors import ATOL
from lexiloom.testing.tokenizers import check_tokenizer

__all__ = [
    "ATOL",
    "CHECKS",
    "ConformanceError",
    "Fault",
    "check_corpus_reader",
    "check_embedder",
    "check_encoder",
    "check_head",
    "check_tokenizer",
]
