"""The built-in recurrent encoders ``rnn``, ``lstm`` and ``gru``: registration, settings, padding
invariance, final states, seeds and zero-length sequences."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lexiloom import registry
from lexiloom.errors import SettingsError, UnknownComponentError
from lexiloom.protocols import Encoder, EncoderOutput

CELLS = ["rnn", "lstm", "gru"]
DIM = 5


def make(cell: str, **settings):
    settings.setdefault("hidden_size", 7)
    settings.setdefault("seed", 0)
    return registry.encoders.create(cell, input_size=DIM, **settings).eval()


def test_three_encoders_are_registered_with_every_setting_defaulted() -> None:
    assert set(CELLS) <= set(registry.encoders.names())
    for cell in CELLS:
        entry = registry.encoders.get(cell)
        assert dict(entry.defaults) == {"hidden_size": 128, "num_layers": 1,
                                        "bidirectional": False, "dropout": 0.0, "seed": None}
        assert entry.description
        enc = entry.factory(input_size=3, **entry.defaults)
        assert isinstance(enc, Encoder) and isinstance(enc, torch.nn.Module)
        assert enc.output_size == 128 and enc.causal
        assert registry.encoders.create(cell, input_size=3, **enc.to_config()).to_config() \
            == enc.to_config()


@pytest.mark.parametrize("cell", CELLS)
def test_bidirectional_encoders_double_the_output_and_are_not_causal(cell: str) -> None:
    enc = make(cell, bidirectional=True, hidden_size=4)
    assert enc.output_size == 8 and not enc.causal
    out = enc(torch.randn(2, 3, DIM), torch.tensor([3, 1]))
    assert out.states.shape == (2, 3, 8) and out.final.shape == (2, 8) and out.state is None


@pytest.mark.parametrize(("key", "value"), [
    ("hidden_size", 0), ("hidden_size", -3), ("hidden_size", "big"), ("hidden_size", 2.5),
    ("num_layers", 0), ("dropout", 1.0), ("dropout", -0.1), ("dropout", "x"),
    ("bidirectional", "yes"), ("seed", "x"), ("seed", 1.5), ("input_size", 0),
])
def test_bad_encoder_settings_raise_settings_error_naming_the_setting(key: str, value) -> None:
    settings = {"input_size": 4, key: value}
    with pytest.raises(SettingsError, match=key):
        registry.encoders.create("lstm", **settings)


def test_unknown_encoder_setting_and_name_are_reported() -> None:
    with pytest.raises(SettingsError, match="has no setting 'hidden'"):
        registry.encoders.create("gru", input_size=3, hidden=4)
    with pytest.raises(UnknownComponentError, match="lstm"):
        registry.encoders.create("transformer", input_size=3)


def assert_alone_equals_in_batch(enc, lengths: list[int], index: int) -> None:
    time = max(lengths)
    inputs = torch.randn(len(lengths), time, DIM)
    batch = enc(inputs, torch.tensor(lengths))
    n = lengths[index]
    alone = enc(inputs[index:index + 1, :n], torch.tensor([n]))
    torch.testing.assert_close(batch.states[index, :n], alone.states[0], atol=1e-5, rtol=0)
    torch.testing.assert_close(batch.final[index], alone.final[0], atol=1e-5, rtol=0)
    assert not batch.states[index, n:].any(), "padded positions must be zero"
    if enc.causal:
        for got, want in zip(_tuple(batch.state), _tuple(alone.state), strict=True):
            torch.testing.assert_close(got[:, index], want[:, 0], atol=1e-5, rtol=0)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
def test_a_short_text_encodes_the_same_alone_and_among_long_texts(
        cell: str, bidirectional: bool, num_layers: int) -> None:
    torch.manual_seed(1)
    enc = make(cell, bidirectional=bidirectional, num_layers=num_layers, dropout=0.3)
    assert_alone_equals_in_batch(enc, [9, 2, 12, 7], index=1)


@settings(max_examples=50, deadline=None)
@given(lengths=st.lists(st.integers(1, 8), min_size=1, max_size=6), data=st.data())
def test_property_outputs_do_not_depend_on_batch_companions(lengths: list[int], data) -> None:
    """Property: for any batch of lengths, each sequence's states, final and state are those it
    gets when encoded alone (bidirectional and causal encoders alike)."""
    index = data.draw(st.integers(0, len(lengths) - 1))
    cell = data.draw(st.sampled_from(CELLS))
    bidirectional = data.draw(st.booleans())
    torch.manual_seed(len(lengths))
    enc = make(cell, bidirectional=bidirectional, num_layers=2)
    assert_alone_equals_in_batch(enc, lengths, index)


@pytest.mark.parametrize("cell", CELLS)
def test_unidirectional_final_is_the_last_real_output_and_the_top_layer_state(cell: str) -> None:
    enc = make(cell, num_layers=2)
    lengths = torch.tensor([4, 1, 3])
    out = enc(torch.randn(3, 4, DIM), lengths)
    assert isinstance(out, EncoderOutput)
    for row, n in enumerate(lengths.tolist()):
        torch.testing.assert_close(out.final[row], out.states[row, n - 1])
    top = _tuple(out.state)[0][-1]
    torch.testing.assert_close(out.final, top, atol=1e-6, rtol=0)


@pytest.mark.parametrize("cell", CELLS)
def test_bidirectional_final_joins_forward_end_and_backward_start(cell: str) -> None:
    enc = make(cell, bidirectional=True, hidden_size=3)
    lengths = torch.tensor([5, 2])
    inputs = torch.randn(2, 5, DIM)
    out = enc(inputs, lengths)
    for row, n in enumerate(lengths.tolist()):
        torch.testing.assert_close(out.final[row, :3], out.states[row, n - 1, :3])
        torch.testing.assert_close(out.final[row, 3:], out.states[row, 0, 3:])
    # The backward half is the backward direction's summary of the whole real sequence.
    _, h = enc.rnn(inputs[1:, :2])
    h = h[0] if isinstance(h, tuple) else h
    torch.testing.assert_close(out.final[1, 3:], h[-1, 0], atol=1e-6, rtol=0)


@pytest.mark.parametrize("cell", CELLS)
def test_seed_fixes_weights_without_touching_the_global_generator(cell: str) -> None:
    before = torch.get_rng_state()
    a, b = make(cell, seed=3), make(cell, seed=3)
    assert torch.equal(torch.get_rng_state(), before)
    c = make(cell, seed=4)
    for pa, pb, pc in zip(a.parameters(), b.parameters(), c.parameters(), strict=True):
        assert torch.equal(pa, pb)
        assert not torch.equal(pa, pc)


def test_without_seed_the_global_generator_makes_weights_reproducible() -> None:
    torch.manual_seed(11)
    a = make("lstm", seed=None)
    torch.manual_seed(11)
    b = make("lstm", seed=None)
    assert all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters(), strict=True))


def test_dropout_acts_in_training_mode_only_and_never_fills_padding() -> None:
    enc = make("gru", dropout=0.5, num_layers=2)
    inputs, lengths = torch.randn(2, 6, DIM), torch.tensor([6, 2])
    torch.testing.assert_close(enc(inputs, lengths).states, enc(inputs, lengths).states)
    enc.train()
    torch.manual_seed(0)
    first = enc(inputs, lengths).states
    second = enc(inputs, lengths).states
    assert not torch.equal(first, second)
    assert not first[1, 2:].any()


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_zero_length_sequences_give_zeros_and_keep_their_carried_state(
        cell: str, bidirectional: bool) -> None:
    enc = make(cell, bidirectional=bidirectional)
    inputs = torch.randn(3, 4, DIM)
    out = enc(inputs, torch.tensor([0, 4, 0]))
    assert not out.states[[0, 2]].any() and not out.final[[0, 2]].any()
    alone = enc(inputs[1:2], torch.tensor([4]))
    torch.testing.assert_close(out.states[1], alone.states[0], atol=1e-6, rtol=0)
    if enc.causal:
        carried = tuple(s + 1.0 for s in _tuple(enc.initial_state(3)))
        carried = carried if cell == "lstm" else carried[0]
        after = enc(inputs, torch.tensor([0, 4, 0]), state=carried)
        for got, given_ in zip(_tuple(after.state), _tuple(carried), strict=True):
            torch.testing.assert_close(got[:, [0, 2]], given_[:, [0, 2]])


def test_an_all_empty_batch_with_no_time_steps_encodes_to_zeros() -> None:
    out = make("lstm")(torch.zeros(2, 0, DIM), torch.tensor([0, 0]))
    assert out.states.shape == (2, 0, 7) and not out.final.any()


@pytest.mark.parametrize("lengths", [[5, 2], [-1, 2], [1, 2, 3]])
def test_lengths_outside_the_padded_batch_are_refused(lengths: list[int]) -> None:
    with pytest.raises(SettingsError, match="lengths"):
        make("rnn")(torch.zeros(2, 4, DIM), torch.tensor(lengths))


def test_inputs_of_the_wrong_width_are_refused_with_the_expected_shape() -> None:
    with pytest.raises(SettingsError, match=rf"\(batch, time, {DIM}\)"):
        make("rnn")(torch.zeros(2, 4, DIM + 1), torch.tensor([4, 4]))


def test_lengths_may_be_a_list_or_a_cpu_tensor_of_any_integer_type() -> None:
    enc = make("gru")
    inputs = torch.randn(2, 3, DIM)
    want = enc(inputs, torch.tensor([3, 2])).states
    torch.testing.assert_close(enc(inputs, [3, 2]).states, want)
    torch.testing.assert_close(enc(inputs, torch.tensor([3, 2], dtype=torch.int32)).states, want)


@pytest.mark.parametrize("cell", CELLS)
def test_bidirectional_encoders_refuse_stepping_and_carried_state(cell: str) -> None:
    enc = make(cell, bidirectional=True)
    with pytest.raises(SettingsError, match="bidirectional"):
        enc.initial_state(2)
    with pytest.raises(SettingsError, match="bidirectional"):
        enc.step(torch.zeros(2, DIM), None)
    with pytest.raises(SettingsError, match="bidirectional"):
        enc(torch.zeros(1, 2, DIM), torch.tensor([2]), state=torch.zeros(2, 1, 7))


def test_importing_the_plugin_does_not_import_torch() -> None:
    code = ("import sys, lexiloom_recurrent, lexiloom_heads, lexiloom.models; "
            "print('torch' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


def _tuple(state):
    return state if isinstance(state, tuple) else (state,)
