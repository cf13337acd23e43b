"""Token ids for language-model training: parallel streams cut into truncated-BPTT chunks, and
the carried state's tensor form (the documents and their framing: tests/corpora)."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lexiloom.errors import CorpusError, SettingsError
from lexiloom.training.text_stream import ParallelStreams, carried_state_tensors, state_from_tensors

# -- ParallelStreams ----------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(length=st.integers(2, 300), batch=st.integers(1, 12), bptt=st.integers(1, 40))
def test_property_every_chunk_target_is_the_token_after_its_input(length, batch, bptt) -> None:
    """Property: for any length, batch and bptt, each target is the id that follows its input
    in the original stream (ids are positions, so target == input + 1)."""
    if (length - 1) // batch < 1:
        return
    streams = ParallelStreams(torch.arange(length), batch=batch, bptt=bptt)
    for index in range(len(streams)):
        inputs, targets = streams.chunk(index)
        assert inputs.shape == targets.shape
        assert inputs.shape[0] == batch and 1 <= inputs.shape[1] <= bptt
        assert torch.equal(targets, inputs + 1)


@settings(max_examples=150, deadline=None)
@given(length=st.integers(2, 300), batch=st.integers(1, 12), bptt=st.integers(1, 40))
def test_property_chunks_cover_each_contiguous_stream_exactly_once_in_order(
        length, batch, bptt) -> None:
    """Property: joining the chunks of stream ``b`` left to right gives exactly
    ``ids[b * n:(b + 1) * n]`` with ``n = (length - 1) // batch``; only the tail is dropped."""
    per_stream = (length - 1) // batch
    if per_stream < 1:
        return
    ids = torch.arange(length)
    streams = ParallelStreams(ids, batch=batch, bptt=bptt)
    joined = torch.cat([streams.chunk(i)[0] for i in range(len(streams))], dim=1)
    expected = torch.stack([ids[b * per_stream:(b + 1) * per_stream] for b in range(batch)])
    assert torch.equal(joined, expected)
    assert streams.tokens == batch * per_stream
    assert len(streams) == -(-per_stream // bptt)
    assert length - 1 - streams.tokens < batch  # fewer than one token per stream is dropped


def test_streams_keep_arbitrary_ids_with_their_successors() -> None:
    ids = torch.tensor([5, 9, 2, 7, 7, 1, 8, 3, 4])
    streams = ParallelStreams(ids, batch=2, bptt=3)
    inputs, targets = streams.chunk(0)
    assert inputs.tolist() == [[5, 9, 2], [7, 1, 8]]
    assert targets.tolist() == [[9, 2, 7], [1, 8, 3]]
    inputs, targets = streams.chunk(1)
    assert inputs.tolist() == [[7], [3]]
    assert targets.tolist() == [[7], [4]]


@pytest.mark.parametrize(("length", "batch"), [(0, 1), (1, 1), (4, 4), (10, 16)])
def test_too_little_text_for_the_streams_raises_corpus_error(length, batch) -> None:
    with pytest.raises(CorpusError, match="smaller batch size or more text"):
        ParallelStreams(torch.arange(length), batch=batch, bptt=4)


@pytest.mark.parametrize("bad", [0, -3, 1.5, True, "4", None])
@pytest.mark.parametrize("name", ["batch", "bptt"])
def test_bad_batch_or_bptt_raises_settings_error(name, bad) -> None:
    given = {"batch": 2, "bptt": 4, name: bad}
    with pytest.raises(SettingsError, match=f"{name} must be a positive integer"):
        ParallelStreams(torch.arange(50), **given)


# -- carried state -------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [
    None,
    torch.randn(2, 3, 4),
    (torch.randn(2, 3, 4), torch.randn(2, 3, 4)),
])
def test_carried_state_survives_its_tensor_form(state) -> None:
    back = state_from_tensors(carried_state_tensors(state))
    if state is None:
        assert back is None
    elif isinstance(state, tuple):
        assert isinstance(back, tuple) and len(back) == 2
        assert all(torch.equal(a, b) for a, b in zip(state, back, strict=True))
    else:
        assert isinstance(back, torch.Tensor) and torch.equal(back, state)


def test_carried_state_tensors_are_detached_copies() -> None:
    state = torch.randn(1, 2, 3, requires_grad=True) * 2
    tensors = carried_state_tensors(state)
    assert not tensors["state0"].requires_grad
